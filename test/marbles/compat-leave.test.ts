import { describe, expect, it } from "vitest";
import type { Channel } from "../../src/compat/channel.js";
import type { Connection } from "../../src/transporter.js";
import { createTransporter } from "../../src/transporter.js";
import { type FakeHubOptions, fakeHub } from "../support/fake-hub.js";
import { recordingLogger } from "../support/runtime.js";
import { at, createTestScheduler } from "../support/virtual-time.js";

const topic = "debug_plugin:demo";
const env = { HUB_WS_URL: "ws://hub.test", HUB_DEBUG_API_KEY: "k" };

/** A leave's status, its outcome and the virtual time it came. */
type Seen = [time: number, status: string, outcome: unknown];

function setup(hubOptions: FakeHubOptions, disposeTimeoutMs = 2_000) {
  const hub = fakeHub(hubOptions);
  const transporter = createTransporter({
    env,
    WebSocket: hub.WebSocket,
    heartbeatIntervalMs: 1_000_000,
    jitter: false,
    disposeTimeoutMs,
    logger: recordingLogger(),
    exit: () => {},
  });
  // The topic connected twice: both share one join.
  const connections: Connection[] = [];
  const connectTwice = () => {
    for (const _ of [1, 2]) {
      transporter.connect$(topic).subscribe((c) => connections.push(c));
    }
  };

  return { hub, connections, connectTwice };
}

/** Calls `leave` and records each status it answers, with the time. */
function leave(
  channel: Channel,
  now: () => number,
  seen: Seen[],
  timeoutMs?: number,
): void {
  channel
    .leave(timeoutMs)
    .receive("ok", (outcome) => seen.push([now(), "ok", outcome]))
    .receive("timeout", (outcome) => seen.push([now(), "timeout", outcome]));
}

describe("Channel.leave on a topic connected twice", () => {
  it("should answer the first holder at once and the last on the leave's reply", () => {
    const scheduler = createTestScheduler();
    const { hub, connections, connectTwice } = setup({ leaveReplyAfterMs: 3 });
    const seen: Seen[] = [];
    const states: [number, string, string][] = [];
    const now = () => scheduler.now();
    const record = () => {
      const [first, second] = connections;
      states.push([
        now(),
        `${first?.channel.state}`,
        `${second?.channel.state}`,
      ]);
    };

    scheduler.run(() => {
      connectTwice();
      at(10, () => leave(connections[0]?.channel as Channel, now, seen));
      at(10, record);
      at(20, () => leave(connections[1]?.channel as Channel, now, seen));
      at(20, record);
      // At 23 the reply comes after this record, scheduled first: read at 24.
      at(22, record);
      at(24, record);
      at(30, () => void connections[0]?.dispose());
    });

    expect(seen).toEqual([
      [10, "ok", "ok"],
      [23, "ok", "ok"],
    ]);
    expect(states).toEqual([
      [10, "closed", "joined"],
      [20, "closed", "leaving"],
      [22, "closed", "leaving"],
      [24, "closed", "closed"],
    ]);
    expect(hub.framesOf("phx_leave").map(({ at }) => at)).toEqual([20]);
    expect(scheduler.actions).toHaveLength(0);
  });

  it("should answer the last holder 'timeout' at leave(timeoutMs) when no reply comes", () => {
    const scheduler = createTestScheduler();
    const { hub, connections, connectTwice } = setup({
      leaveReplyAfterMs: null,
    });
    const seen: Seen[] = [];
    const now = () => scheduler.now();

    scheduler.run(() => {
      connectTwice();
      at(10, () => leave(connections[1]?.channel as Channel, now, seen));
      at(20, () => leave(connections[0]?.channel as Channel, now, seen, 5));
      at(40, () => void connections[0]?.dispose());
    });

    expect(seen).toEqual([
      [10, "ok", "ok"],
      [25, "timeout", "timeout"],
    ]);
    expect(hub.framesOf("phx_leave").map(({ at }) => at)).toEqual([20]);
  });

  it("should answer the last holder 'timeout' at the engine's leave timeout by default", () => {
    const scheduler = createTestScheduler();
    const { connections, connectTwice } = setup({ leaveReplyAfterMs: null }, 8);
    const seen: Seen[] = [];
    const now = () => scheduler.now();

    scheduler.run(() => {
      connectTwice();
      at(10, () => leave(connections[0]?.channel as Channel, now, seen));
      at(20, () => leave(connections[1]?.channel as Channel, now, seen));
      at(40, () => void connections[0]?.dispose());
    });

    expect(seen).toEqual([
      [10, "ok", "ok"],
      [28, "timeout", "timeout"],
    ]);
  });
});
