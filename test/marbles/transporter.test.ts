import { describe, expect, it } from "vitest";
import { AuthenticationError, JoinTimeoutError } from "../../src/errors.js";
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

function setup(hubOptions: FakeHubOptions = {}) {
  const hub = fakeHub(hubOptions);
  const exits: number[] = [];
  const logger = recordingLogger();
  const transporter = createTransporter({
    env,
    WebSocket: hub.WebSocket,
    heartbeatIntervalMs: 10,
    joinTimeoutMs: 50,
    reconnectStepsMs: [5],
    jitter: false,
    logger,
    exit: (code) => exits.push(code),
  });

  return { hub, exits, logger, transporter };
}

describe("createTransporter", () => {
  it("should leave, close with 1000, stop every timer and exit 0 on dispose", () => {
    const scheduler = createTestScheduler();
    const { hub, exits, transporter } = setup({ leaveReplyAfterMs: 3 });
    let exitedAt: number | undefined;

    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      let dispose = () => Promise.resolve();
      transporter.connect$(topic).subscribe((connection) => {
        dispose = connection.dispose;
      });
      // Twice at once: the second call must change nothing.
      at(25, () => void dispose());
      at(25, () => void dispose());
      at(40, () => {
        exitedAt = exits.length;
      });

      expectObservable(transporter.state$).toBe("k o 26ms (zx)", {
        k: "connecting",
        o: "open",
        z: "closing",
        x: "closed",
      });
      // The one connection, from the start until the close at 28.
      expectSubscriptions(hub.subscriptions).toBe("^ 27ms !");
    });

    // run() returned: no interval, timeout or timer is left anywhere.
    expect(scheduler.actions).toHaveLength(0);
    expect(exits).toEqual([0]);
    expect(exitedAt).toBe(1);
    expect(hub.framesOf("phx_leave").map(({ at }) => at)).toEqual([25]);
    // The leave is answered at 28; the socket closes then.
    expect(hub.framesOf("heartbeat").map(({ at }) => at)).toEqual([11, 21]);
    expect(hub.latest().closeCalls).toEqual([
      { code: 1000, reason: "dispose" },
    ]);
    expect(hub.latest().listenerCount).toBe(1);
  });

  it("should settle connect within the join timeout when the hub never opens", () => {
    const scheduler = createTestScheduler();
    const { hub, transporter, logger } = setup({ openAfterMs: 10_000 });

    scheduler.run(({ expectObservable }) => {
      expectObservable(transporter.connect$(topic)).toBe(
        "50ms #",
        undefined,
        new JoinTimeoutError(topic, 50),
      );
    });

    expect(scheduler.actions).toHaveLength(0);
    expect(hub.sockets).toHaveLength(1);
    expect(hub.latest().terminated).toBe(true);
    expect(
      logger.records.filter((record) => record.kind === "CHANNEL:TIMEOUT"),
    ).toEqual([
      expect.objectContaining({
        level: "error",
        message: `Timeout while joining ${topic}`,
      }),
    ]);
  });

  it("should reject connect, log the status and exit 1 when the upgrade is refused", () => {
    const scheduler = createTestScheduler();
    const { exits, transporter, logger } = setup({
      onConnect: (socket) => socket.after(0, () => socket.refuse(403)),
      openAfterMs: 10_000,
    });

    scheduler.run(({ expectObservable }) => {
      const exitTimes = recordTimed(transporter.errors$);
      expectObservable(transporter.connect$(topic)).toBe(
        "#",
        undefined,
        new AuthenticationError(403, "ws://hub.test/debug_socket"),
      );
      at(100, () => expect(exitTimes).toHaveLength(1));
    });

    expect(exits).toEqual([1]);
    expect(
      logger.records.find((record) => record.kind === "AUTH:FAILED"),
    ).toMatchObject({
      level: "error",
      status: 403,
      message:
        "Authentication failed: the hub answered the WebSocket upgrade " +
        "with HTTP 403. Run `atomemo plugin refresh-key` to get a new " +
        "debug API key.",
    });
  });
});
