/**
 * Routes messages to the subscribers of their key (the topic on a socket,
 * the event on a channel) with one map lookup, so the cost of a message
 * does not grow with the number of keys.
 */
import { Observable, Subject } from "rxjs";
import type { PhoenixMessage } from "./message.js";

/**
 * A map from a key of the message to the subscribers of that key. A key's
 * entry lives while somebody subscribes to it.
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
  private readonly routes = new Map<string, Subject<PhoenixMessage>>();

  constructor(private readonly keyOf: (message: PhoenixMessage) => string) {}

  /** Hands a message to the subscribers of its key, if there are any. */
  route(message: PhoenixMessage): void {
    this.routes.get(this.keyOf(message))?.next(message);
  }

  /** The messages of one key, hot: only those routed while subscribed. */
  route$(key: string): Observable<PhoenixMessage> {
    return new Observable<PhoenixMessage>((subscriber) => {
      const route = this.routeOf(key);
      const subscription = route.subscribe(subscriber);

      return () => {
        subscription.unsubscribe();
        if (!route.observed && this.routes.get(key) === route) {
          this.routes.delete(key);
        }
      };
    });
  }

  /** How many keys have subscribers; for tests and diagnostics. */
  get size(): number {
    return this.routes.size;
  }

  private routeOf(key: string): Subject<PhoenixMessage> {
    let route = this.routes.get(key);
    if (route === undefined) {
      route = new Subject<PhoenixMessage>();
      this.routes.set(key, route);
    }

    return route;
  }
}
