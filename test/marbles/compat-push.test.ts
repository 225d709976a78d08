import { describe, expect, it } from "vitest";
import type { Channel } from "../../src/compat/channel.js";
import { PushTimeoutError } from "../../src/errors.js";
import { createTransporter } from "../../src/transporter.js";
import { type FakeHubOptions, fakeHub } from "../support/fake-hub.js";
import { recordingLogger } from "../support/runtime.js";
import { at, createTestScheduler } from "../support/virtual-time.js";

const topic = "debug_plugin:demo";
const env = { HUB_WS_URL: "ws://hub.test", HUB_DEBUG_API_KEY: "k" };

/** What a `receive` callback saw, and when. */
type Seen = [time: number, status: string, detail: unknown];

function setup(hubOptions: FakeHubOptions = {}) {
  const hub = fakeHub(hubOptions);
  const transporter = createTransporter({
    env,
    WebSocket: hub.WebSocket,
    heartbeatIntervalMs: 1_000_000,
    reconnectStepsMs: [100],
    rejoinStepsMs: [20],
    jitter: false,
    logger: recordingLogger(),
    exit: () => {},
  });

  return { hub, transporter };
}

/**
 * Records every status of `push` with the virtual time: the response for
 * "ok" and "error", the error's name and message for "timeout".
 */
function watch(
  push: ReturnType<Channel["push"]>,
  now: () => number,
  seen: Seen[],
): void {
  push
    .receive("ok", (response) => seen.push([now(), "ok", response]))
    .receive("error", (response) => seen.push([now(), "error", response]))
    .receive("timeout", (error: Error) =>
      seen.push([now(), "timeout", `${error.name}: ${error.message}`]),
    );
}

describe("Push (phoenix.js-compatible)", () => {
  it("should hand a reply that came before receive was chained to a late receive('ok')", () => {
    const scheduler = createTestScheduler();
    const { transporter } = setup({ pushReplyAfterMs: 1 });
    const seen: Seen[] = [];
    const now = () => scheduler.now();

    scheduler.run(() => {
      transporter.connect$(topic).subscribe(({ channel, dispose }) => {
        // Joined at 2: pushed at 2, answered at 3, receive chained at 12.
        const push = channel.push("echo", { n: 1 }, 30);
        at(10, () => watch(push, now, seen));
        at(100, () => void dispose());
      });
    });

    expect(seen).toEqual([[12, "ok", { n: 1 }]]);
    expect(scheduler.actions).toHaveLength(0);
  });

  it("should call receive('timeout') at its timeout from the push, however late receive is chained", () => {
    const scheduler = createTestScheduler();
    const { hub, transporter } = setup({ pushReplyAfterMs: null });
    const seen: Seen[] = [];
    const now = () => scheduler.now();

    scheduler.run(() => {
      transporter.connect$(topic).subscribe(({ channel, dispose }) => {
        // Joined at 2: pushed at 2, receive chained at 12.
        const push = channel.push("slow", {}, 30);
        at(10, () => watch(push, now, seen));
        at(100, () => void dispose());
      });
    });

    expect(seen).toEqual([
      [
        32,
        "timeout",
        `${PushTimeoutError.name}: ` +
          new PushTimeoutError(topic, "slow", 30).message,
      ],
    ]);
    expect(hub.framesOf("slow").map(({ at }) => at)).toEqual([2]);
    expect(scheduler.actions).toHaveLength(0);
  });

  it("should time out a push waiting in the buffer from its call, and never send it", () => {
    const scheduler = createTestScheduler();
    // Connection 0 drops at 10; connection 1 opens at 111, rejoins at 112.
    const { hub, transporter } = setup({
      onConnect: (socket, index) => {
        if (index === 0) socket.after(10, () => socket.drop());
      },
    });
    const seen: Seen[] = [];
    const now = () => scheduler.now();

    scheduler.run(() => {
      transporter.connect$(topic).subscribe(({ channel, dispose }) => {
        at(10, () => watch(channel.push("waits", {}, 40), now, seen));
        at(200, () => void dispose());
      });
    });

    expect(seen).toEqual([
      [
        52,
        "timeout",
        `${PushTimeoutError.name}: ` +
          new PushTimeoutError(topic, "waits", 40).message,
      ],
    ]);
    expect(hub.framesOf("phx_join").map(({ at }) => at)).toEqual([1, 111]);
    expect(hub.framesOf("waits")).toEqual([]);
  });

  it("should send pushes buffered during a phx_error rejoin in order, with the rejoin's join_ref, after its ok", () => {
    const scheduler = createTestScheduler();
    const { hub, transporter } = setup({ pushReplyAfterMs: 2 });
    const seen: Seen[] = [];
    const now = () => scheduler.now();

    scheduler.run(() => {
      transporter.connect$(topic).subscribe(({ channel, dispose }) => {
        // At 10 the hub crashes the channel; the pushes come at 12; the
        // rejoin goes at 30 and is answered at 31.
        at(8, () => {
          const joinRef = hub.framesOf("phx_join")[0]?.frame[0] ?? null;
          hub.latest().push([joinRef, null, topic, "phx_error", {}]);
        });
        at(10, () => {
          for (const n of [1, 2, 3]) {
            watch(channel.push("queued", { n }, 100), now, seen);
          }
        });
        at(100, () => void dispose());
      });
    });

    const [firstJoin, rejoin] = hub.framesOf("phx_join");
    expect([firstJoin?.at, rejoin?.at]).toEqual([1, 30]);
    const queued = hub.framesOf("queued");
    expect(queued.map(({ at, frame }) => [at, frame[0], frame[4]])).toEqual([
      [31, rejoin?.frame[1], { n: 1 }],
      [31, rejoin?.frame[1], { n: 2 }],
      [31, rejoin?.frame[1], { n: 3 }],
    ]);
    expect(rejoin?.frame[1]).not.toBe(firstJoin?.frame[1]);
    expect(seen).toEqual([
      [33, "ok", { n: 1 }],
      [33, "ok", { n: 2 }],
      [33, "ok", { n: 3 }],
    ]);
  });
});
