/**
 * The replies a channel waits for, by ref: one map, so settling a reply
 * costs the same however many pushes are outstanding.
 */
import { Observable, type Subscriber } from "rxjs";
import type { PhoenixMessage, ReplyPayload } from "./message.js";

interface Waiter {
  event: string;
  subscriber: Subscriber<ReplyPayload>;
}

/**
 * Refs awaiting a `phx_reply`.
 *
 * @example
 * ```ts
 * const replies = new PendingReplies();
 * replies.reply$("7", "new_msg").subscribe((reply) => console.log(reply));
 * replies.settle({ join_ref: "1", ref: "7", topic: "room:1",
 *   event: "phx_reply", payload: { status: "ok", response: {} } });
 * // { status: "ok", response: {} }
 * ```
 */
export class PendingReplies {
  private readonly waiters = new Map<string, Waiter>();

  /**
   * The reply to `ref`, once: emits it and completes. Unsubscribing stops
   * waiting.
   */
  reply$(ref: string, event: string): Observable<ReplyPayload> {
    return new Observable<ReplyPayload>((subscriber) => {
      const waiter = { event, subscriber };
      this.waiters.set(ref, waiter);

      return () => {
        if (this.waiters.get(ref) === waiter) this.waiters.delete(ref);
      };
    });
  }

  /** Hands a `phx_reply` to whoever waits for its ref. */
  settle(message: PhoenixMessage): void {
    if (message.ref === null) return;

    const waiter = this.waiters.get(message.ref);
    if (waiter === undefined) return;

    this.waiters.delete(message.ref);
    waiter.subscriber.next(asReply(message.payload));
    waiter.subscriber.complete();
  }

  /** Fails every waiter, e.g. when the channel is lost or closed. */
  failAll(errorFor: (event: string) => Error): void {
    const waiters = [...this.waiters.values()];
    this.waiters.clear();
    for (const waiter of waiters) {
      waiter.subscriber.error(errorFor(waiter.event));
    }
  }

  /** How many refs await a reply. */
  get size(): number {
    return this.waiters.size;
  }
}

function asReply(payload: unknown): ReplyPayload {
  if (typeof payload === "object" && payload !== null && "status" in payload) {
    return payload as ReplyPayload;
  }

  return { status: "error", response: { reason: "malformed reply" } };
}
