import { type Observable, Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import { HeartbeatTimeoutError } from "../../src/errors.js";
import { heartbeat } from "../../src/streams/heartbeat.js";
import type { PhoenixMessage } from "../../src/streams/message.js";
import { createTestScheduler } from "../support/virtual-time.js";

function reply(ref: string): PhoenixMessage {
  return {
    join_ref: null,
    ref,
    topic: "phoenix",
    event: "phx_reply",
    payload: { status: "ok", response: {} },
  };
}

function refCounter(): () => string {
  let ref = 0;
  return () => String(++ref);
}

describe("heartbeat", () => {
  it("should send one heartbeat per interval and report each round trip", () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const replies: Observable<PhoenixMessage> = hot(
        "        12ms a 9ms b 9ms c",
        { a: reply("1"), b: reply("2"), c: reply("3") },
      );
      const sent: string[] = [];
      const events$ = heartbeat({
        intervalMs: 10,
        timeoutMs: 10,
        connectionId: 1,
        makeRef: refCounter(),
        send: (ref) => sent.push(ref),
        replies$: replies,
      });

      expectObservable(events$, "^ 34ms !").toBe(
        "10ms s 1ms a 7ms s 1ms a 7ms s 1ms a",
        {
          s: expect.objectContaining({ type: "sent" }),
          a: expect.objectContaining({ type: "acknowledged", roundTripMs: 2 }),
        },
      );
    });
  });

  it("should time out, then error with HeartbeatTimeoutError", () => {
    createTestScheduler().run(
      ({ hot, expectObservable, expectSubscriptions }) => {
        const replies = hot<PhoenixMessage>("-");
        const events$ = heartbeat({
          intervalMs: 10,
          timeoutMs: 4,
          connectionId: 7,
          makeRef: refCounter(),
          send: () => {},
          replies$: replies,
        });

        expectObservable(events$).toBe(
          "10ms s 3ms (t#)",
          {
            s: { type: "sent", ref: "1", connectionId: 7 },
            t: { type: "timeout", ref: "1", connectionId: 7, timeoutMs: 4 },
          },
          new HeartbeatTimeoutError("1", 4),
        );
        expectSubscriptions(replies.subscriptions).toBe("10ms ^ 3ms !");
      },
    );
  });

  it("should never have two heartbeats in flight when the timeout exceeds the interval", () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const replies = new Subject<PhoenixMessage>();
      const sent: string[] = [];
      const events$ = heartbeat({
        intervalMs: 10,
        timeoutMs: 25,
        connectionId: 1,
        makeRef: refCounter(),
        send: (ref) => sent.push(ref),
        replies$: replies,
      });
      hot("22ms a").subscribe(() => replies.next(reply("1")));

      expectObservable(events$, "^ 33ms !").toBe("10ms s 11ms a 7ms s", {
        s: expect.objectContaining({ type: "sent" }),
        a: expect.objectContaining({ type: "acknowledged", roundTripMs: 12 }),
      });
    });
  });

  it("should ignore replies to other refs", () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const replies = hot<PhoenixMessage>("11ms x 1ms a", {
        x: reply("99"),
        a: reply("1"),
      });
      const events$ = heartbeat({
        intervalMs: 10,
        timeoutMs: 10,
        connectionId: 1,
        makeRef: refCounter(),
        send: () => {},
        replies$: replies,
      });

      expectObservable(events$, "^ 14ms !").toBe("10ms s 2ms a", {
        s: expect.objectContaining({ type: "sent" }),
        a: expect.objectContaining({ type: "acknowledged", roundTripMs: 3 }),
      });
    });
  });

  it("should stop listening for replies when it is unsubscribed", () => {
    createTestScheduler().run(
      ({ hot, expectObservable, expectSubscriptions }) => {
        const replies = hot<PhoenixMessage>("12ms a 9ms b", {
          a: reply("1"),
          b: reply("2"),
        });
        const sent: string[] = [];
        const events$ = heartbeat({
          intervalMs: 10,
          timeoutMs: 8,
          connectionId: 1,
          makeRef: refCounter(),
          send: (ref) => sent.push(ref),
          replies$: replies,
        });

        // The connection ends at 35, while the third heartbeat waits.
        expectObservable(events$, "^ 34ms !").toBe(
          "10ms s 1ms a 7ms s 1ms a 7ms s",
          {
            s: expect.objectContaining({ type: "sent" }),
            a: expect.objectContaining({ type: "acknowledged" }),
          },
        );
        expectSubscriptions(replies.subscriptions).toBe([
          "10ms ^ 1ms !",
          "20ms ^ 1ms !",
          "30ms ^ 4ms !",
        ]);
      },
    );
  });
});
