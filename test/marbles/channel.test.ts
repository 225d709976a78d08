import { map } from "rxjs";
import { describe, expect, it } from "vitest";
import {
  BufferOverflowError,
  ChannelClosedError,
  JoinError,
  JoinTimeoutError,
  PushTimeoutError,
  ReplyLostError,
} from "../../src/errors.js";
import {
  type ChannelOptions,
  PhoenixChannel,
} from "../../src/streams/channel.js";
import { PhoenixSocket } from "../../src/streams/socket.js";
import { type FakeHubOptions, fakeHub } from "../support/fake-hub.js";
import {
  at,
  createTestScheduler,
  recordTimed,
} from "../support/virtual-time.js";

const url = "ws://hub.test/debug_socket";
const topic = "debug_plugin:demo";

function setup(
  hubOptions: FakeHubOptions = {},
  channelOptions: ChannelOptions = {},
) {
  const hub = fakeHub(hubOptions);
  const socket = new PhoenixSocket({
    url,
    WebSocket: hub.WebSocket,
    heartbeatIntervalMs: 1_000_000,
    reconnectStepsMs: [10],
    jitter: false,
  });
  const channel = new PhoenixChannel(socket, topic, channelOptions);
  socket.connect();

  return { hub, socket, channel };
}

/** Ends a test: disconnects the socket so no virtual timer is left. */
function stopAt(time: number, socket: PhoenixSocket): void {
  at(time, () => void socket.disconnect());
}

describe("PhoenixChannel", () => {
  it("should fail the join with JoinTimeoutError when no reply comes in time", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { socket, channel } = setup(
        { joinReplyAfterMs: null },
        { joinTimeoutMs: 50 },
      );
      stopAt(100, socket);

      expectObservable(channel.joined$).toBe(
        "50ms #",
        undefined,
        new JoinTimeoutError(topic, 50),
      );
    });
  });

  it("should count the join timeout from the join even if the socket never opens", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { socket, channel } = setup(
        { openAfterMs: 1_000 },
        { joinTimeoutMs: 30 },
      );
      stopAt(40, socket);

      expectObservable(channel.joined$).toBe(
        "30ms #",
        undefined,
        new JoinTimeoutError(topic, 30),
      );
    });
  });

  it("should fail the join with JoinError carrying the server's reason", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { socket, channel } = setup({
        joinOutcome: () => ({ reason: "unauthorized" }),
      });
      stopAt(10, socket);

      expectObservable(channel.joined$).toBe(
        "2ms #",
        undefined,
        new JoinError(topic, { reason: "unauthorized" }),
      );
    });
  });

  it("should rejoin after phx_error with the rejoin backoff", () => {
    createTestScheduler().run(({ expectObservable }) => {
      // Join 0 ok; the channel crashes at 10; rejoin 1 fails; rejoin 2 ok.
      const { hub, socket, channel } = setup({
        joinOutcome: (index) => (index === 1 ? { reason: "busy" } : "ok"),
      });
      at(10, () => {
        const joinRef = hub.framesOf("phx_join")[0]?.frame[0] ?? null;
        hub.latest().push([joinRef, null, topic, "phx_error", {}]);
      });
      stopAt(5_000, socket);

      expectObservable(
        channel.joined$.pipe(map((joined) => joined.rejoin)),
        "^ 4000ms !",
      ).toBe("2ms f 3009ms t", { f: false, t: true });
      at(4_500, () => {
        expect(hub.framesOf("phx_join").map(({ at }) => at)).toEqual([
          1, 1010, 3011,
        ]);
      });
    });
  });

  it("should rejoin at once after a reconnect and drop frames of the old join", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { hub, socket, channel } = setup({
        onConnect: (fake, index) => {
          if (index === 0) fake.after(20, () => fake.drop());
        },
      });
      channel.joined$.subscribe();
      const events = recordTimed(channel.messages$.pipe(map((m) => m.event)));
      at(40, () => {
        const [oldJoin, newJoin] = hub.framesOf("phx_join");
        hub.latest().push([oldJoin?.frame[0] ?? null, null, topic, "old", {}]);
        hub.latest().push([newJoin?.frame[0] ?? null, null, topic, "new", {}]);
        hub.latest().push([null, null, topic, "broadcast", {}]);
      });
      stopAt(50, socket);

      expectObservable(channel.state$, "^ 45ms !").toBe(
        "c a j 17ms e 10ms a j",
        {
          c: "closed",
          j: "joined",
          e: "errored",
          a: "joining",
        },
      );
      at(60, () => {
        expect(hub.framesOf("phx_join").map(({ at }) => at)).toEqual([1, 31]);
        expect(events.filter(([, event]) => event !== "phx_reply")).toEqual([
          [40, "new"],
          [40, "broadcast"],
        ]);
      });
    });
  });

  it("should time out a push that gets no reply, counting from the call", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { socket, channel } = setup({ pushReplyAfterMs: null });
      channel.joined$.subscribe();
      stopAt(100, socket);

      const push$ = channel.push$("e", {}, { timeoutMs: 30 });
      expectObservable(push$, "5ms ^").toBe(
        "35ms #",
        undefined,
        new PushTimeoutError(topic, "e", 30),
      );
      at(50, () => expect(channel.pendingReplies).toBe(0));
    });
  });

  it("should emit the reply's response of an answered push", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { socket, channel } = setup({ pushReplyAfterMs: 3 });
      channel.joined$.subscribe();
      stopAt(100, socket);

      expectObservable(channel.push$("e", { n: 1 }), "5ms ^").toBe("8ms (r|)", {
        r: { n: 1 },
      });
    });
  });

  it("should time out a buffered push from its call and never send it", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { hub, socket, channel } = setup({
        onConnect: (fake, index) => {
          if (index === 0) fake.after(10, () => fake.drop());
        },
        openAfterMs: 50,
      });
      channel.joined$.subscribe();
      stopAt(200, socket);

      // The first connection opens at 50 and drops at 10 after creation, so
      // it never opens; the channel joins on the second (open at 120).
      const push$ = channel.push$("late", {}, { timeoutMs: 20 });
      expectObservable(push$, "5ms ^").toBe(
        "25ms #",
        undefined,
        new PushTimeoutError(topic, "late", 20),
      );
      at(150, () => {
        expect(hub.framesOf("late")).toEqual([]);
        expect(channel.bufferedPushes).toBe(0);
      });
    });
  });

  it("should send buffered pushes in order with the new join_ref after the rejoin's ok", () => {
    createTestScheduler().run(() => {
      const { hub, socket, channel } = setup({
        onConnect: (fake, index) => {
          if (index === 0) fake.after(20, () => fake.drop());
        },
      });
      channel.joined$.subscribe();
      const replies: unknown[] = [];
      at(25, () => {
        for (const n of [1, 2, 3]) {
          channel.push$("msg", { n }).subscribe((r) => replies.push(r));
        }
      });
      stopAt(100, socket);
      at(110, () => {
        const newJoinRef = hub.framesOf("phx_join")[1]?.frame[0];
        const sent = hub.framesOf("msg");
        expect(sent.map(({ frame }) => frame[4])).toEqual([
          { n: 1 },
          { n: 2 },
          { n: 3 },
        ]);
        expect(sent.every(({ frame }) => frame[0] === newJoinRef)).toBe(true);
        expect(sent.every(({ at }) => at === 32)).toBe(true);
        expect(replies).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      });
    });
  });

  it("should refuse a push with BufferOverflowError when the buffer is full", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { socket, channel } = setup(
        { openAfterMs: 1_000 },
        { pushBufferSize: 2 },
      );
      channel.joined$.subscribe({ error: () => {} });
      const errors: unknown[] = [];
      channel.push$("a", {}).subscribe({ error: (e) => errors.push(e) });
      channel.push$("b", {}).subscribe({ error: (e) => errors.push(e) });
      stopAt(20, socket);

      expectObservable(channel.push$("c", {})).toBe(
        "#",
        undefined,
        new BufferOverflowError(topic, "c", 2),
      );
      at(1, () => expect(channel.bufferedPushes).toBe(2));
    });
  });

  it("should fail replies in flight with ReplyLostError when the connection drops", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { socket, channel } = setup({
        pushReplyAfterMs: null,
        onConnect: (fake, index) => {
          if (index === 0) fake.after(10, () => fake.drop());
        },
      });
      channel.joined$.subscribe();
      stopAt(50, socket);

      expectObservable(channel.push$("e", {}), "5ms ^").toBe(
        "10ms #",
        undefined,
        new ReplyLostError(topic, "e"),
      );
    });
  });

  it("should send one phx_join however many subscribe, and replay the join to late ones", () => {
    createTestScheduler().run(() => {
      const { hub, socket, channel } = setup();
      const first = channel.joined$.subscribe();
      const second = channel.joined$.subscribe();
      const late: unknown[] = [];
      at(5, () => channel.joined$.subscribe((j) => late.push(j.rejoin)));
      at(10, () => first.unsubscribe());
      at(20, () => second.unsubscribe());
      stopAt(60, socket);
      at(70, () => {
        expect(hub.framesOf("phx_join")).toHaveLength(1);
        expect(late).toEqual([false]);
        const leaves = hub.framesOf("phx_leave");
        expect(leaves).toHaveLength(0);
      });
      // The subscriber added at 5 stays, so nobody leaves before the
      // disconnect.
    });
  });

  it("should leave when the last subscriber unsubscribes, and report the outcome", () => {
    const scheduler = createTestScheduler();
    let leaveFrames = 0;
    scheduler.run(({ expectObservable }) => {
      const { hub, socket, channel } = setup();
      const first = channel.joined$.subscribe();
      const second = channel.joined$.subscribe();
      at(10, () => first.unsubscribe());
      at(12, () => expect(hub.framesOf("phx_leave")).toHaveLength(0));
      at(20, () => second.unsubscribe());
      expectObservable(channel.left$(), "19ms ^").toBe("21ms (o|)", {
        o: "ok",
      });
      at(30, () => {
        leaveFrames = hub.framesOf("phx_leave").length;
        expect(channel.currentState).toBe("closed");
      });
      stopAt(40, socket);
    });

    expect(leaveFrames).toBe(1);
  });

  it("should end the channel on phx_close and refuse later pushes", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { hub, socket, channel } = setup();
      at(10, () => {
        const joinRef = hub.framesOf("phx_join")[0]?.frame[0] ?? null;
        hub.latest().push([joinRef, null, topic, "phx_close", {}]);
      });
      stopAt(30, socket);

      expectObservable(channel.joined$.pipe(map(() => "j"))).toBe(
        "2ms j 7ms |",
      );
      at(20, () => {
        expect(channel.currentState).toBe("closed");
        expect(() => channel.send("e", {})).toThrow(
          new ChannelClosedError(topic, "e"),
        );
      });
    });
  });

  it("should complete the channel's message streams on phx_close", () => {
    createTestScheduler().run(({ expectObservable }) => {
      const { hub, socket, channel } = setup();
      channel.joined$.subscribe();
      at(5, () => hub.latest().push([null, null, topic, "hello", {}]));
      at(10, () => {
        const joinRef = hub.framesOf("phx_join")[0]?.frame[0] ?? null;
        hub.latest().push([joinRef, null, topic, "phx_close", {}]);
      });
      stopAt(30, socket);

      const events = (source: typeof channel.messages$) =>
        source.pipe(map((message) => message.event));
      // The join's reply at 2 is a message of the channel too.
      expectObservable(events(channel.messages$)).toBe("2ms r 2ms a 4ms (b|)", {
        r: "phx_reply",
        a: "hello",
        b: "phx_close",
      });
      expectObservable(events(channel.event$("hello"))).toBe("5ms a 4ms |", {
        a: "hello",
      });
    });
  });

  it("should send nothing for a buffered push that was unsubscribed", () => {
    createTestScheduler().run(() => {
      const { hub, socket, channel } = setup({ openAfterMs: 10 });
      channel.joined$.subscribe();
      const subscription = channel.push$("gone", {}).subscribe();
      at(5, () => subscription.unsubscribe());
      stopAt(50, socket);
      at(60, () => expect(hub.framesOf("gone")).toEqual([]));
    });
  });
});
