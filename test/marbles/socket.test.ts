import { filter, map } from "rxjs";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ConnectionError,
  FrameDecodeError,
  HeartbeatTimeoutError,
} from "../../src/errors.js";
import type { HeartbeatEvent } from "../../src/streams/heartbeat.js";
import { PhoenixSocket, type SocketState } from "../../src/streams/socket.js";
import {
  answerHeartbeats,
  type FakeServerBehavior,
  fakeServer,
} from "../support/fake-websocket.js";
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

/** A server that opens every connection after `openAfterMs`. */
function openingServer(openAfterMs: number, behavior: FakeServerBehavior = {}) {
  return fakeServer({
    onConnect: (socket) => socket.after(openAfterMs, () => socket.open()),
    onMessage: answerHeartbeats(),
    ...behavior,
  });
}

describe("PhoenixSocket", () => {
  it("should heartbeat at its interval only while a connection is open", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const server = openingServer(5, { onMessage: answerHeartbeats(2) });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        heartbeatIntervalMs: 10,
        jitter: false,
      });
      const beats$ = socket.heartbeat$.pipe(map(heartbeatLetter));

      socket.connect();
      at(40, () => void socket.disconnect());

      expectObservable(beats$).toBe("15ms s 1ms a 7ms s 1ms a 7ms s 1ms a");
      expectObservable(socket.state$).toBe("k 4ms o 34ms (zx)", states);
    });
  });

  it("should close with 1000 'heartbeat timeout' when no reply comes, then reconnect", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const server = openingServer(5, {
        onMessage: (socket, frame) => {
          if (socket !== server.sockets[0]) answerHeartbeats()(socket, frame);
        },
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        heartbeatIntervalMs: 10,
        heartbeatTimeoutMs: 5,
        reconnectStepsMs: [10],
        jitter: false,
      });

      socket.connect();
      at(60, () => void socket.disconnect());

      expectObservable(socket.state$).toBe(
        "k 4ms o 14ms x 9ms k 4ms o 24ms (zx)",
        states,
      );
      expectObservable(socket.heartbeat$.pipe(map(heartbeatLetter))).toBe(
        "15ms s 4ms t 24ms (sa) 6ms (sa)",
      );
      at(100, () => {
        expect(server.sockets).toHaveLength(2);
        expect(server.sockets[0]?.closeCalls[0]).toEqual({
          code: 1000,
          reason: "heartbeat timeout",
        });
      });
    });
  });

  it("should follow the backoff schedule and reset it after an open", () => {
    createTestScheduler().run(() => {
      // Connections 0-2 fail before opening, 3 opens then drops, 4 opens.
      const server = fakeServer({
        onConnect: (socket, index) => {
          if (index < 3) socket.after(1, () => socket.drop());
          else socket.after(1, () => socket.open());
          if (index === 3) socket.after(5, () => socket.drop());
        },
        onMessage: answerHeartbeats(),
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        reconnectStepsMs: [10, 20, 40],
        jitter: false,
      });
      const reconnects = recordTimed(
        socket.lifecycle$.pipe(
          filter((event) => event.type === "reconnecting"),
          map((event) => event.delayMs),
        ),
      );

      socket.connect();
      at(200, () => void socket.disconnect());
      at(300, () => {
        expect(reconnects).toEqual([
          [1, 10],
          [12, 20],
          [33, 40],
          [78, 10],
        ]);
        expect(server.sockets).toHaveLength(5);
      });
    });
  });

  it("should keep the last step of the schedule for every later attempt", () => {
    createTestScheduler().run(() => {
      const server = fakeServer({
        onConnect: (socket) => socket.after(0, () => socket.drop()),
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        reconnectStepsMs: [1, 2],
        jitter: false,
      });
      const delays = recordTimed(
        socket.lifecycle$.pipe(
          filter((event) => event.type === "reconnecting"),
          map((event) => event.delayMs),
        ),
      );

      socket.connect();
      at(9, () => void socket.disconnect());
      at(20, () => {
        expect(delays.map(([, delay]) => delay)).toEqual([1, 2, 2, 2, 2]);
      });
    });
  });

  it("should draw each jittered delay from [0, step)", () => {
    createTestScheduler().run(() => {
      const draws = [0, 0.5, 0.999];
      const server = fakeServer({
        onConnect: (socket) => socket.after(0, () => socket.drop()),
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        reconnectStepsMs: [100, 200, 400],
        random: () => draws.shift() ?? 0,
      });
      const delays = recordTimed(
        socket.lifecycle$.pipe(
          filter((event) => event.type === "reconnecting"),
          map((event) => event.delayMs),
        ),
      );

      socket.connect();
      at(499, () => void socket.disconnect());
      at(600, () => {
        expect(delays).toEqual([
          [0, 0],
          [0, 100],
          [100, 399],
        ]);
      });
    });
  });

  it("should send no heartbeat while closed between attempts", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const server = openingServer(0, {
        onConnect: (socket, index) => {
          socket.after(0, () => socket.open());
          if (index === 0) socket.after(25, () => socket.drop());
        },
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        heartbeatIntervalMs: 10,
        reconnectStepsMs: [100],
        jitter: false,
      });

      socket.connect();
      at(140, () => void socket.disconnect());

      expectObservable(socket.heartbeat$.pipe(map(heartbeatLetter))).toBe(
        "10ms (sa) 6ms (sa) 111ms (sa)",
      );
      expectObservable(socket.state$).toBe(
        "o 24ms x 99ms (ko) 11ms (zx)",
        states,
      );
    });
  });

  it("should reconnect after a clean close by the server, whatever its code", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const server = openingServer(1, {
        onConnect: (socket, index) => {
          socket.after(1, () => socket.open());
          if (index === 0) socket.after(3, () => socket.serverClose(1000));
          if (index === 1) socket.after(3, () => socket.serverClose(4001));
        },
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        reconnectStepsMs: [5],
        jitter: false,
      });
      const closes = recordTimed(
        socket.lifecycle$.pipe(
          filter((event) => event.type === "close"),
          map((event) => event.code),
        ),
      );

      socket.connect();
      at(30, () => void socket.disconnect());

      expectObservable(socket.state$).toBe(
        "k o - x 4ms k o - x 4ms k o 12ms (zx)",
        states,
      );
      at(40, () => {
        expect(closes).toEqual([
          [3, 1000],
          [11, 4001],
          [30, 1000],
        ]);
      });
    });
  });

  it("should ignore a late frame from a replaced connection", () => {
    createTestScheduler().run(() => {
      const server = openingServer(1, {
        onConnect: (socket, index) => {
          socket.after(1, () => socket.open());
          if (index === 0) socket.after(5, () => socket.drop());
        },
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        reconnectStepsMs: [5],
        jitter: false,
      });
      const topics = recordTimed(
        socket.messages$.pipe(map((message) => message.topic)),
      );
      const states = recordTimed(socket.state$);

      socket.connect();
      at(20, () => {
        const old = server.sockets[0];
        old?.push([null, null, "stale", "late", {}]);
        server.sockets[1]?.push([null, null, "fresh", "now", {}]);
      });
      at(30, () => void socket.disconnect());
      at(40, () => {
        expect(topics).toEqual([[20, "fresh"]]);
        expect(states.map(([, state]) => state)).toEqual([
          "closed",
          "connecting",
          "open",
          "closed",
          "connecting",
          "open",
          "closing",
          "closed",
        ]);
      });
    });
  });

  it("should stop for good after an authentication refusal", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const server = fakeServer({
        onConnect: (socket) => socket.after(2, () => socket.refuse(403)),
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        jitter: false,
      });
      const errors = recordTimed(socket.errors$);

      socket.connect();

      expectObservable(socket.state$).toBe("k 1ms x", states);
      at(60_000, () => {
        expect(server.sockets).toHaveLength(1);
        expect(errors).toHaveLength(1);
        const [time, error] = errors[0] ?? [];
        expect(time).toBe(2);
        expect(error).toBeInstanceOf(AuthenticationError);
        expect(error?.message).toBe(
          "Authentication refused by ws://hub.test/debug_socket: HTTP 403",
        );
      });
    });
  });

  it("should retry a refusal that is not about authentication", () => {
    createTestScheduler().run(() => {
      const server = fakeServer({
        onConnect: (socket, index) => {
          if (index === 0) socket.after(1, () => socket.refuse(503));
          else socket.after(1, () => socket.open());
        },
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        reconnectStepsMs: [10],
        jitter: false,
      });
      const errors = recordTimed(socket.errors$);

      socket.connect();
      at(20, () => void socket.disconnect());
      at(30, () => {
        expect(server.sockets).toHaveLength(2);
        const error = errors[0]?.[1];
        expect(error).toBeInstanceOf(ConnectionError);
        expect((error as ConnectionError).status).toBe(503);
      });
    });
  });

  it("should give up on an attempt that does not open within connectTimeoutMs", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const server = fakeServer({
        onConnect: (socket, index) => {
          if (index > 0) socket.after(1, () => socket.open());
        },
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        connectTimeoutMs: 50,
        reconnectStepsMs: [10],
        jitter: false,
      });
      const errors = recordTimed(socket.errors$);

      socket.connect();
      at(70, () => void socket.disconnect());

      expectObservable(socket.state$).toBe("k 49ms x 9ms k o 8ms (zx)", states);
      at(80, () => {
        expect(server.sockets[0]?.terminated).toBe(true);
        expect(errors[0]?.[1].message).toBe(
          "WebSocket to ws://hub.test/debug_socket did not open within 50 ms",
        );
      });
    });
  });

  it("should read function params again on every attempt", () => {
    createTestScheduler().run(() => {
      let key = 0;
      const server = fakeServer({
        onConnect: (socket) => socket.after(1, () => socket.drop()),
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        params: () => ({ api_key: `key-${++key}` }),
        reconnectStepsMs: [1],
        jitter: false,
      });

      socket.connect();
      at(5, () => void socket.disconnect());
      at(10, () => {
        expect(server.sockets.map((s) => s.url)).toEqual([
          `${url}/websocket?vsn=2.0.0&api_key=key-1`,
          `${url}/websocket?vsn=2.0.0&api_key=key-2`,
          `${url}/websocket?vsn=2.0.0&api_key=key-3`,
        ]);
      });
    });
  });

  it("should report a params function that throws, and retry with backoff", () => {
    createTestScheduler().run(({ expectObservable }) => {
      let calls = 0;
      const server = openingServer(1);
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        params: () => {
          calls += 1;
          if (calls < 3) throw new Error("no key yet");
          return { api_key: "key" };
        },
        heartbeatIntervalMs: 1_000,
        reconnectStepsMs: [5],
        jitter: false,
      });
      const errors$ = socket.errors$.pipe(
        map((error) => `${error.name}: ${error.message}`),
      );

      at(1, () => socket.connect());
      at(20, () => void socket.disconnect());

      // Attempts at 1 and 6 fail at once; the third opens at 12.
      expectObservable(socket.state$).toBe(
        "x (kx) 1ms (kx) 1ms k o 7ms (zx)",
        states,
      );
      expectObservable(errors$).toBe("- a 4ms a", {
        a: "CallbackError: The params callback threw: no key yet",
      });
    });
  });

  it("should tell a connection watcher of every close until it is unwatched", () => {
    createTestScheduler().run(() => {
      const server = fakeServer({
        onConnect: (socket) => {
          socket.after(1, () => socket.open());
          socket.after(5, () => socket.drop());
        },
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        heartbeatIntervalMs: 1_000,
        reconnectStepsMs: [10],
        jitter: false,
      });
      const closedAt: number[] = [];
      const watcher = { connectionClosed: () => closedAt.push(Date.now()) };
      const seen: number[] = [];
      socket.lifecycle$
        .pipe(filter((event) => event.type === "close"))
        .subscribe(() => seen.push(closedAt.length));

      socket.watchConnection(watcher);
      socket.connect();
      at(25, () => socket.unwatchConnection(watcher));
      at(40, () => void socket.disconnect());
      at(50, () => {
        // Drops at 5 and 20 reach the watcher; the one at 35 does not.
        expect(closedAt).toHaveLength(2);
        // lifecycle$ hears of each close before the watcher does.
        expect(seen.slice(0, 2)).toEqual([0, 1]);
      });
    });
  });

  it("should drop a malformed frame, report it, and stay open", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const server = openingServer(1);
      const socket = new PhoenixSocket({ url, WebSocket: server.WebSocket });
      const errors = recordTimed(socket.errors$);

      socket.connect();
      at(3, () => server.latest().receive("not json"));
      at(4, () => server.latest().receive('["1","2"]'));
      at(5, () => server.latest().receive('[1,null,"t","e",{}]'));
      at(6, () => server.latest().push([null, null, "room", "ok", {}]));
      at(10, () => void socket.disconnect());

      expectObservable(socket.messages$.pipe(map((m) => m.event))).toBe(
        "6ms a",
        { a: "ok" },
      );
      expectObservable(socket.state$).toBe("k o 8ms (zx)", states);
      at(20, () => {
        expect(errors.map(([time, error]) => [time, error.name])).toEqual([
          [3, FrameDecodeError.name],
          [4, FrameDecodeError.name],
          [5, FrameDecodeError.name],
        ]);
      });
    });
  });

  it("should leave no listener, route or timer behind after disconnect", () => {
    const scheduler = createTestScheduler();
    let socket: PhoenixSocket | undefined;
    const server = openingServer(1);
    scheduler.run(() => {
      socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        heartbeatIntervalMs: 10,
      });
      socket.connect();
      at(25, () => void socket?.disconnect());
    });

    // run() returned, so the virtual clock has no action left: the
    // heartbeat interval is gone.
    expect(scheduler.actions).toHaveLength(0);
    expect(socket?.routedTopics).toBe(0);
    expect(socket?.currentState).toBe("closed");
    // Only the no-op error listener stays attached.
    expect(server.latest().listenerCount).toBe(1);
    expect(server.latest().closeCalls[0]).toEqual({
      code: 1000,
      reason: "client disconnect",
    });
  });

  it("should unsubscribe each connection when it ends, the last on disconnect", () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ expectSubscriptions }) => {
      const server = openingServer(1, {
        onConnect: (socket, index) => {
          socket.after(1, () => socket.open());
          if (index === 0) socket.after(10, () => socket.drop());
        },
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        heartbeatIntervalMs: 4,
        reconnectStepsMs: [5],
        jitter: false,
      });

      socket.connect();
      at(30, () => void socket.disconnect());

      expectSubscriptions(server.subscriptions).toBe([
        "^ 9ms !",
        "15ms ^ 14ms !",
      ]);
    });

    expect(scheduler.actions).toHaveLength(0);
  });

  it("should unsubscribe a refused connection and subscribe no other", () => {
    createTestScheduler().run(({ expectSubscriptions }) => {
      const server = fakeServer({
        onConnect: (socket) => socket.after(3, () => socket.refuse(401)),
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        reconnectStepsMs: [1],
        jitter: false,
      });

      socket.connect();

      expectSubscriptions(server.subscriptions).toBe(["^ 2ms !"]);
    });
  });

  it("should ignore late open, frames and close of replaced connections", () => {
    createTestScheduler().run(({ expectObservable, expectSubscriptions }) => {
      // 0 never opens and is given up at 20; 1 opens at 26 and misses its
      // heartbeat at 41, its close acknowledged only at 71; 2 opens at 47.
      // At 50 the replaced ones open, send frames and close, too late.
      const server = fakeServer({
        closeAckDelayMs: 30,
        onConnect: (socket, index) => {
          if (index > 0) socket.after(1, () => socket.open());
        },
        onMessage: (socket, frame) => {
          if (socket === server.sockets[2]) answerHeartbeats()(socket, frame);
        },
      });
      const socket = new PhoenixSocket({
        url,
        WebSocket: server.WebSocket,
        heartbeatIntervalMs: 10,
        heartbeatTimeoutMs: 5,
        connectTimeoutMs: 20,
        reconnectStepsMs: [5],
        jitter: false,
      });
      const closes = recordTimed(
        socket.lifecycle$.pipe(
          filter((event) => event.type === "close"),
          map((event) => event.connectionId),
        ),
      );
      const errors = recordTimed(socket.errors$);
      const topics = recordTimed(
        socket.messages$.pipe(
          filter((message) => message.topic !== "phoenix"),
          map((message) => message.topic),
        ),
      );

      socket.connect();
      at(50, () => {
        const [never, missed, current] = server.sockets;
        never?.open();
        never?.push([null, null, "stale-0", "late", {}]);
        missed?.push([null, "1", "phoenix", "phx_reply", { status: "ok" }]);
        missed?.push([null, null, "stale-1", "late", {}]);
        current?.push([null, null, "fresh", "now", {}]);
        never?.serverClose(4000, "late close");
      });
      at(75, () => void socket.disconnect());
      // The current connection's close is acknowledged at once.
      at(76, () => server.sockets[2]?.serverClose(1000));

      expectObservable(socket.state$).toBe(
        "k 19ms x 4ms k o 14ms x 4ms k o 27ms z x",
        states,
      );
      expectSubscriptions(server.subscriptions).toBe([
        "^ 19ms !",
        "25ms ^ 15ms !",
        "46ms ^ 29ms !",
      ]);
      at(200, () => {
        expect(closes).toEqual([
          [20, 1],
          [41, 2],
          [76, 3],
        ]);
        expect(topics).toEqual([[50, "fresh"]]);
        expect(
          errors.map(([time, error]) => [time, error.name, error.message]),
        ).toEqual([
          [
            20,
            ConnectionError.name,
            "WebSocket to ws://hub.test/debug_socket did not open within 20 ms",
          ],
          [
            41,
            HeartbeatTimeoutError.name,
            new HeartbeatTimeoutError("1", 5).message,
          ],
        ]);
      });
    });
  });
});

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
