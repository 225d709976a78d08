/**
 * dispose in virtual time: a push made while the channel rejoins is sent
 * after the rejoin's ok and before phx_leave, not failed by the leave.
 */
import { describe, expect, it } from "vitest";
import { createTransporter } from "../../src/transporter.js";
import { fakeHub } from "../support/fake-hub.js";
import { recordingLogger } from "../support/runtime.js";
import { at, createTestScheduler } from "../support/virtual-time.js";

const topic = "debug_plugin:demo";
const env = { HUB_WS_URL: "ws://hub.test", HUB_DEBUG_API_KEY: "k" };

describe("Connection.dispose", () => {
  it("should send a push waiting for the rejoin before it leaves", () => {
    const scheduler = createTestScheduler();
    // Connection 0 drops at 20; connection 1 is made at 25, opens at 26,
    // and the rejoin is answered at 27.
    const hub = fakeHub({
      onConnect: (socket, index) => {
        if (index === 0) socket.after(20, () => socket.drop());
      },
    });
    const exits: number[] = [];
    const seen: [number, string, unknown][] = [];
    const transporter = createTransporter({
      env,
      WebSocket: hub.WebSocket,
      heartbeatIntervalMs: 1_000_000,
      reconnectStepsMs: [5],
      jitter: false,
      logger: recordingLogger(),
      exit: (code) => exits.push(code),
    });

    scheduler.run(() => {
      transporter.connect$(topic).subscribe(({ channel, dispose }) => {
        // Joined at 2, so this runs at 21: after the drop, before the
        // rejoin.
        at(19, () => {
          channel
            .push("last_words", { n: 1 })
            .receive("ok", (response) =>
              seen.push([scheduler.now(), "ok", response]),
            )
            .receive("timeout", (error: Error) =>
              seen.push([scheduler.now(), "timeout", error.name]),
            );
          void dispose();
        });
      });
    });

    const rejoin = hub.framesOf("phx_join")[1];
    const afterRejoin = hub.frames
      .filter(({ socket }) => socket === 1)
      .map(({ at, frame }) => [at, frame[0], frame[3]]);
    expect(afterRejoin).toEqual([
      [26, rejoin?.frame[1], "phx_join"],
      [27, rejoin?.frame[1], "last_words"],
      [27, rejoin?.frame[1], "phx_leave"],
    ]);
    expect(seen).toEqual([[28, "ok", { n: 1 }]]);
    expect(exits).toEqual([0]);
  });
});
