import { describe, expect, it } from "vitest";
import type { PhoenixMessage } from "../../src/streams/message.js";
import {
  MessageRouter,
  type MessageSink,
} from "../../src/streams/message-router.js";

function message(topic: string, event: string): PhoenixMessage {
  return { join_ref: null, ref: null, topic, event, payload: {} };
}

function recordingSink(): MessageSink & { events: string[] } {
  const events: string[] = [];

  return {
    events,
    next: (routed) => events.push(routed.event),
    complete: () => events.push("(complete)"),
  };
}

describe("MessageRouter", () => {
  it("hands a message only to the sinks and subscribers of its key", () => {
    const router = new MessageRouter((routed) => routed.topic);
    const sink = recordingSink();
    const other = recordingSink();
    const subscribed: string[] = [];
    router.attach("room:1", sink);
    router.attach("room:2", other);
    router
      .route$("room:1")
      .subscribe((routed) => subscribed.push(routed.event));

    router.route(message("room:1", "a"));
    router.route(message("room:3", "b"));

    expect(sink.events).toEqual(["a"]);
    expect(subscribed).toEqual(["a"]);
    expect(other.events).toEqual([]);
  });

  it("forgets a key once its last sink is detached", () => {
    const router = new MessageRouter((routed) => routed.topic);
    const sink = recordingSink();
    router.attach("room:1", sink);
    router.detach("room:1", sink);
    router.detach("room:1", sink);

    router.route(message("room:1", "a"));

    expect(sink.events).toEqual([]);
    expect(router.size).toBe(0);
  });

  it("lets a sink detach another while a message is handed out", () => {
    const router = new MessageRouter((routed) => routed.topic);
    const second = recordingSink();
    const first: MessageSink = {
      next: () => router.detach("room:1", second),
    };
    router.attach("room:1", first);
    router.attach("room:1", second);

    router.route(message("room:1", "a"));
    router.route(message("room:1", "b"));

    expect(second.events).toEqual(["a"]);
  });

  it("completes every sink and subscriber on completeAll, then routes nothing", () => {
    const router = new MessageRouter((routed) => routed.event);
    const sink = recordingSink();
    let completed = false;
    router.attach("a", sink);
    router.route$("b").subscribe({ complete: () => (completed = true) });

    router.completeAll();
    router.route(message("room:1", "a"));

    expect(sink.events).toEqual(["(complete)"]);
    expect(completed).toBe(true);
    expect(router.size).toBe(0);
  });
});
