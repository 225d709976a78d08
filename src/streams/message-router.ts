/**
 * Routes messages to the subscribers of their key (the topic on a socket,
 * the event on a channel) with one map lookup, so the cost of a message
 * does not grow with the number of keys.
 */
import { Observable, type Subscriber } from "rxjs";
import type { PhoenixMessage } from "./message.js";

/**
 * A map from a key of the message to the subscribers of that key. A key's
 * entry lives while somebody subscribes to it.
 *
 * Each key holds a plain array of subscribers rather than a `Subject`: a
 * routed message is then a lookup and one call per subscriber, with
 * nothing allocated. The array is replaced, never changed, when somebody
 * subscribes or leaves, so a subscriber that leaves while a message is
 * being handed out cannot upset the loop.
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
  private readonly routes = new Map<
    string,
    readonly Subscriber<PhoenixMessage>[]
  >();

  constructor(private readonly keyOf: (message: PhoenixMessage) => string) {}

  /** Hands a message to the subscribers of its key, if there are any. */
  route(message: PhoenixMessage): void {
    const subscribers = this.routes.get(this.keyOf(message));
    if (subscribers === undefined) return;

    for (const subscriber of subscribers) subscriber.next(message);
  }

  /** The messages of one key, hot: only those routed while subscribed. */
  route$(key: string): Observable<PhoenixMessage> {
    return new Observable<PhoenixMessage>((subscriber) => {
      this.add(key, subscriber);

      return () => this.remove(key, subscriber);
    });
  }

  /**
   * Completes every subscriber of every key and forgets them all: the
   * streams of something that has ended.
   */
  completeAll(): void {
    const routes = [...this.routes.values()];
    this.routes.clear();

    for (const subscribers of routes) {
      for (const subscriber of subscribers) subscriber.complete();
    }
  }

  /** How many keys have subscribers; for tests and diagnostics. */
  get size(): number {
    return this.routes.size;
  }

  private add(key: string, subscriber: Subscriber<PhoenixMessage>): void {
    const subscribers = this.routes.get(key);
    this.routes.set(
      key,
      subscribers === undefined ? [subscriber] : [...subscribers, subscriber],
    );
  }

  private remove(key: string, subscriber: Subscriber<PhoenixMessage>): void {
    const subscribers = this.routes.get(key);
    if (subscribers === undefined) return;

    const rest = subscribers.filter((each) => each !== subscriber);
    if (rest.length === 0) this.routes.delete(key);
    else this.routes.set(key, rest);
  }
}
