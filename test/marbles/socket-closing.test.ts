/**
 * The heartbeat stops when a disconnect starts its closing handshake: no
 * heartbeat follows the close frame, and no late timeout closes twice.
 */
import { map } from "rxjs";
import { describe, expect, it } from "vitest";
import type { HeartbeatEvent } from "../../src/streams/heartbeat.js";
import { PhoenixSocket, type SocketState } from "../../src/streams/socket.js";
import { answerHeartbeats, fakeServer } from "../support/fake-websocket.js";
import {
  at,
  createTestScheduler,
  recordTimed,
} from "../support/virtual-time.js";

const url = "ws://hub.test/debug_socket";

const states: Record<string, SocketState> = {
  k: "connecting",
  o: "open",
  z: "closing",
  x: "closed",
};

function heartbeatLetter(event: HeartbeatEvent): string {
  if (event.type === "sent") return "s";
  if (event.type === "acknowledged") return "a";
  return "t";
}

describe("PhoenixSocket.disconnect", () => {
  it("should send no heartbeat while its closing handshake runs", () => {
    createTestScheduler().run(({ expectObservable }) => {
      // The server takes 30 ms to acknowledge a close frame.
      const server = fakeServer({
        closeAckDelayMs: 30,
        onConnect: (socket) => socket.after(1, () => socket.open()),
        onMessage: answerHeartbeats(),
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        heartbeatIntervalMs: 10,
        heartbeatTimeoutMs: 5,
        jitter: false,
      });
      const errors = recordTimed(socket.errors$);
      const closes = recordTimed(socket.lifecycle$);

      socket.connect();
      at(25, () => void socket.disconnect());

      // Open at 1, heartbeats at 11 and 21, the close asked for at 25 and
      // acknowledged at 55: no heartbeat at 31, 41 or 51.
      expectObservable(socket.heartbeat$.pipe(map(heartbeatLetter))).toBe(
        "11ms (sa) 6ms (sa)",
      );
      expectObservable(socket.state$).toBe("k o 23ms z 29ms x", states);
      at(100, () => {
        expect(server.latest().sentAfterClose).toEqual([]);
        expect(errors).toEqual([]);
        expect(
          closes
            .filter(([, event]) => event.type === "close")
            .map(([time, event]) => [time, event]),
        ).toEqual([
          [
            55,
            {
              type: "close",
              connectionId: 1,
              code: 1000,
              reason: undefined,
              error: undefined,
            },
          ],
        ]);
      });
    });
  });
});
