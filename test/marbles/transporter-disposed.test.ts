import { describe, expect, it } from "vitest";
import { TransporterDisposedError } from "../../src/errors.js";
import { createTransporter } from "../../src/transporter.js";
import { fakeHub } from "../support/fake-hub.js";
import { recordingLogger } from "../support/runtime.js";
import { at, createTestScheduler } from "../support/virtual-time.js";

const topic = "debug_plugin:demo";
const env = { HUB_WS_URL: "ws://hub.test", HUB_DEBUG_API_KEY: "k" };

function setup() {
  const hub = fakeHub({ leaveReplyAfterMs: 3 });
  const exits: number[] = [];
  const transporter = createTransporter({
    env,
    WebSocket: hub.WebSocket,
    heartbeatIntervalMs: 1_000_000,
    reconnectStepsMs: [5],
    jitter: false,
    logger: recordingLogger(),
    exit: (code) => exits.push(code),
  });

  return { hub, exits, transporter };
}

describe("connect$ once dispose has started", () => {
  it("should error at once, during and after dispose, opening no socket", () => {
    const scheduler = createTestScheduler();
    const { hub, exits, transporter } = setup();
    const errors: [number, unknown][] = [];
    const now = () => scheduler.now();
    const connectAt = (time: number) =>
      at(time, () =>
        transporter.connect$(topic).subscribe({
          next: () => errors.push([now(), "connected"]),
          error: (error) => errors.push([now(), error]),
        }),
      );

    scheduler.run(() => {
      // Bounds virtual time, so that a socket left reconnecting fails the
      // test (actions remain) instead of running forever.
      scheduler.maxFrames = 10_000;
      transporter.connect$(topic).subscribe(({ dispose }) => {
        at(8, () => void dispose());
      });
      // 11: the leave is waiting for its reply; 50: all is closed.
      connectAt(11);
      connectAt(50);
    });

    const disposed = new TransporterDisposedError(topic);
    expect(errors).toEqual([
      [11, disposed],
      [50, disposed],
    ]);
    expect(hub.sockets).toHaveLength(1);
    expect(hub.framesOf("phx_join")).toHaveLength(1);
    expect(exits).toEqual([0]);
    expect(scheduler.actions).toHaveLength(0);
  });
});
