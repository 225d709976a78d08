/**
 * Routes inbound messages to the subscribers of their topic with one map
 * lookup, so the cost of a message does not grow with the number of topics.
 */
import { Observable, Subject } from "rxjs";
import type { PhoenixMessage } from "./message.js";

/**
 * A map from topic to the subscribers of that topic. A topic's entry lives
 * while somebody subscribes to it.
 *
 * @example
 * ```ts
 * const router = new TopicRouter();
 * router.topic$("room:1").subscribe((message) => console.log(message.event));
 * router.route({ join_ref: null, ref: null, topic: "room:1",
 *   event: "new_msg", payload: {} });
 * // new_msg
 * ```
 */
export class TopicRouter {
  private readonly routes = new Map<string, Subject<PhoenixMessage>>();

  /** Hands a message to the subscribers of its topic, if there are any. */
  route(message: PhoenixMessage): void {
    this.routes.get(message.topic)?.next(message);
  }

  /** The messages of one topic, hot: only those routed while subscribed. */
  topic$(topic: string): Observable<PhoenixMessage> {
    return new Observable<PhoenixMessage>((subscriber) => {
      const route = this.routeOf(topic);
      const subscription = route.subscribe(subscriber);

      return () => {
        subscription.unsubscribe();
        if (!route.observed && this.routes.get(topic) === route) {
          this.routes.delete(topic);
        }
      };
    });
  }

  /** How many topics have subscribers; for tests and diagnostics. */
  get size(): number {
    return this.routes.size;
  }

  private routeOf(topic: string): Subject<PhoenixMessage> {
    let route = this.routes.get(topic);
    if (route === undefined) {
      route = new Subject<PhoenixMessage>();
      this.routes.set(topic, route);
    }

    return route;
  }
}
