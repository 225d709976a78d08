/**
 * Routes messages to the subscribers of their key (the topic on a socket,
 * the event on a channel) with one map lookup, so the cost of a message
 * does not grow with the number of keys.
 */
import { Observable } from "rxjs";
import type { PhoenixMessage } from "./message.js";

/**
 * Whatever takes the routed messages of a key: a `Subscriber`, or a plain
 * object for code that does without a subscription's bookkeeping.
 *
 * @example
 * ```ts
 * const sink: MessageSink = { next: (message) => console.log(message.event) };
 * ```
 */
export interface MessageSink {
  next(message: PhoenixMessage): void;
  /** Told when its key's stream ends for good (see `completeAll`). */
  complete?(): void;
}

/**
 * A map from a key of the message to the sinks of that key. A key's entry
 * lives while somebody is attached to it.
 *
 * Each key holds a plain array of sinks rather than a `Subject`: a routed
 * message is then a lookup and one call per sink, with nothing allocated.
 * The array is replaced, never changed, when a sink comes or goes, so one
 * that leaves while a message is being handed out cannot upset the loop.
 *
 * @example
 * ```ts
 * const byTopic = new MessageRouter((message) => message.topic);
 * byTopic.route$("room:1").subscribe((message) => console.log(message.event));
 * byTopic.route({ join_ref: null, ref: null, topic: "room:1",
 *   event: "new_msg", payload: {} });
 * // new_msg
 * ```
 */
export class MessageRouter {
  private readonly routes = new Map<string, readonly MessageSink[]>();

  constructor(private readonly keyOf: (message: PhoenixMessage) => string) {}

  /** Hands a message to the sinks of its key, if there are any. */
  route(message: PhoenixMessage): void {
    const sinks = this.routes.get(this.keyOf(message));
    if (sinks === undefined) return;

    for (const sink of sinks) sink.next(message);
  }

  /** The messages of one key, hot: only those routed while subscribed. */
  route$(key: string): Observable<PhoenixMessage> {
    return new Observable<PhoenixMessage>((subscriber) => {
      this.attach(key, subscriber);

      return () => this.detach(key, subscriber);
    });
  }

  /**
   * Hands the messages of `key` to `sink` until {@link detach}: the same
   * as subscribing to {@link route$}, without a subscription's objects,
   * for code that keeps a route for a long time and many of them.
   *
   * @example
   * ```ts
   * const sink = { next: (message: PhoenixMessage) => handle(message) };
   * router.attach("room:1", sink);
   * router.detach("room:1", sink);
   * ```
   */
  attach(key: string, sink: MessageSink): void {
    const sinks = this.routes.get(key);
    this.routes.set(key, sinks === undefined ? [sink] : [...sinks, sink]);
  }

  /** Stops handing `key`'s messages to `sink`; a no-op if it was not there. */
  detach(key: string, sink: MessageSink): void {
    const sinks = this.routes.get(key);
    if (sinks === undefined) return;

    const rest = sinks.filter((each) => each !== sink);
    if (rest.length === 0) this.routes.delete(key);
    else this.routes.set(key, rest);
  }

  /**
   * Completes every sink of every key and forgets them all: the streams
   * of something that has ended.
   */
  completeAll(): void {
    const routes = [...this.routes.values()];
    this.routes.clear();

    for (const sinks of routes) {
      for (const sink of sinks) sink.complete?.();
    }
  }

  /** How many keys have sinks; for tests and diagnostics. */
  get size(): number {
    return this.routes.size;
  }
}
