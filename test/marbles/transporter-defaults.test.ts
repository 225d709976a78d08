import { filter, map } from "rxjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Channel } from "../../src/compat/channel.js";
import {
  BufferOverflowError,
  JoinTimeoutError,
  PushTimeoutError,
} from "../../src/errors.js";
import { createTransporter } from "../../src/transporter.js";
import { type FakeHubOptions, fakeHub } from "../support/fake-hub.js";
import { recordingLogger } from "../support/runtime.js";
import {
  at,
  createTestScheduler,
  recordTimed,
} from "../support/virtual-time.js";

const topic = "debug_plugin:demo";
const env = { HUB_WS_URL: "ws://hub.test", HUB_DEBUG_API_KEY: "k" };

/**
 * A transporter with no option but what a test cannot do without: the
 * environment, the fake socket, a logger and an exit that records.
 */
function setup(hubOptions: FakeHubOptions = {}) {
  const hub = fakeHub(hubOptions);
  const exits: number[] = [];
  const transporter = createTransporter({
    env,
    WebSocket: hub.WebSocket,
    logger: recordingLogger(),
    exit: (code) => exits.push(code),
  });

  return { hub, exits, transporter };
}

/**
 * Connects in virtual time and hands the connection to `use` once joined:
 * at 2 (open at 1, join reply at 2), so `at(10, …)` inside runs at 12.
 */
function connected(
  transporter: ReturnType<typeof createTransporter>,
  use: (channel: Channel, dispose: () => Promise<void>) => void,
): void {
  transporter.connect$(topic).subscribe(({ channel, dispose }) => {
    use(channel, dispose);
  });
}

describe("createTransporter defaults", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("should heartbeat every 30 000 ms from the open", () => {
    const scheduler = createTestScheduler();
    const { hub, transporter } = setup();

    scheduler.run(() => {
      connected(transporter, (_channel, dispose) => {
        at(100_000, () => void dispose());
      });
    });

    expect(hub.framesOf("heartbeat").map(({ at }) => at)).toEqual([
      30_001, 60_001, 90_001,
    ]);
  });

  it("should wait the interval for a heartbeat reply, then reconnect after a jittered first step of 10 ms", () => {
    const scheduler = createTestScheduler();
    const random = vi.spyOn(Math, "random").mockReturnValue(0.5);
    const { hub, transporter } = setup({ heartbeatReplyAfterMs: null });

    scheduler.run(() => {
      const lifecycle = recordTimed(
        transporter.lifecycle$.pipe(filter((event) => event.type !== "open")),
      );
      connected(transporter, (_channel, dispose) => {
        at(60_010, () => void dispose());
      });
      at(70_000, () => {
        expect(lifecycle.slice(0, 2)).toEqual([
          [
            60_001,
            expect.objectContaining({
              type: "close",
              connectionId: 1,
              code: 1000,
              reason: "heartbeat timeout",
            }),
          ],
          [60_001, { type: "reconnecting", attempt: 1, delayMs: 5 }],
        ]);
      });
    });

    expect(random).toHaveBeenCalled();
    expect(hub.sockets).toHaveLength(2);
    expect(
      hub.framesOf("phx_join").map(({ at, socket }) => [at, socket]),
    ).toEqual([
      [1, 0],
      [60_007, 1],
    ]);
  });

  it("should give up a join after 10 000 ms", () => {
    const scheduler = createTestScheduler();
    const { transporter } = setup({ joinReplyAfterMs: null });

    scheduler.run(({ expectObservable }) => {
      expectObservable(transporter.connect$(topic)).toBe(
        "10000ms #",
        undefined,
        new JoinTimeoutError(topic, 10_000),
      );
    });

    expect(scheduler.actions).toHaveLength(0);
  });

  it("should time out a push's reply after 10 000 ms", () => {
    const scheduler = createTestScheduler();
    const { transporter } = setup({ pushReplyAfterMs: null });
    const timedOut: [number, string, string][] = [];

    scheduler.run(() => {
      connected(transporter, (channel, dispose) => {
        at(5, () => {
          // Pushed at 7.
          channel.push("slow", {}).receive("timeout", (error: Error) => {
            timedOut.push([scheduler.now(), error.name, error.message]);
          });
        });
        at(20_000, () => void dispose());
      });
    });

    expect(timedOut).toEqual([
      [
        10_007,
        PushTimeoutError.name,
        new PushTimeoutError(topic, "slow", 10_000).message,
      ],
    ]);
  });

  it("should buffer 100 pushes while rejoining and refuse the 101st", () => {
    const scheduler = createTestScheduler();
    // The drop at 10 is followed by a reconnect at 19 and a rejoin at 21.
    vi.spyOn(Math, "random").mockReturnValue(0.99);
    const { hub, transporter } = setup({
      onConnect: (socket, index) => {
        if (index === 0) socket.after(10, () => socket.drop());
      },
      openAfterMs: 1,
    });
    const outcomes: string[] = [];

    scheduler.run(() => {
      connected(transporter, (channel, dispose) => {
        at(10, () => {
          for (let n = 1; n <= 100; n += 1) channel.push("queued", { n });
          try {
            channel.push("one_too_many", {});
            outcomes.push("accepted");
          } catch (error) {
            const { name, message } = error as Error;
            outcomes.push(`${name}: ${message}`);
          }
        });
        at(5_000, () => void dispose());
      });
    });

    expect(outcomes).toEqual([
      `${BufferOverflowError.name}: ` +
        new BufferOverflowError(topic, "one_too_many", 100).message,
    ]);
    const queued = hub.framesOf("queued");
    expect(queued).toHaveLength(100);
    expect(queued.every(({ at, socket }) => at === 21 && socket === 1)).toBe(
      true,
    );
    expect(hub.framesOf("one_too_many")).toEqual([]);
  });

  it("should give a dispose's leave 2 000 ms, then close with 1000 and exit 0", () => {
    const scheduler = createTestScheduler();
    const { hub, exits, transporter } = setup({ leaveReplyAfterMs: null });

    scheduler.run(({ expectObservable }) => {
      connected(transporter, (_channel, dispose) => {
        at(10, () => void dispose());
      });
      expectObservable(
        transporter.lifecycle$.pipe(
          filter((event) => event.type === "close"),
          map((event) => (event.type === "close" ? event.code : undefined)),
        ),
      ).toBe("2012ms c", { c: 1000 });
    });

    expect(hub.framesOf("phx_leave").map(({ at }) => at)).toEqual([12]);
    expect(hub.latest().closeCalls).toEqual([
      { code: 1000, reason: "dispose" },
    ]);
    expect(exits).toEqual([0]);
    expect(scheduler.actions).toHaveLength(0);
  });
});
