/**
 * The replies a channel waits for, by ref: one map, so settling a reply
 * costs the same however many pushes are outstanding.
 */
import { Observable } from "rxjs";
import type { PhoenixMessage, ReplyPayload } from "./message.js";

/**
 * Who waits for one reply: told once, with the reply or with the error
 * that means none will come.
 *
 * @example
 * ```ts
 * const waiter: ReplyWaiter = {
 *   reply: (reply) => console.log(reply.status),
 *   fail: (error) => console.log(error.message),
 * };
 * ```
 */
export interface ReplyWaiter {
  reply(reply: ReplyPayload): void;
  fail(error: Error): void;
}

/**
 * A waiter in the map: it also names the event of its push, which the
 * error of a lost reply mentions.
 */
export interface PendingReply extends ReplyWaiter {
  readonly event: string;
}

/**
 * Refs awaiting a `phx_reply`. A waiter is a plain object rather than a
 * subscription, and is itself the map's value, so a push that waits costs
 * one map entry.
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
  private readonly waiters = new Map<string, PendingReply>();
  /**
   * The latest replies that came before anybody waited for them, oldest
   * first, for a waiter that comes late (phoenix.js hands a reply to a
   * `receive` chained after it arrived). Made on first use.
   */
  private unclaimed: Map<string, ReplyPayload> | undefined;

  /**
   * Tells `waiter` about the reply to `ref`: at once if it already came
   * and is still kept.
   */
  wait(ref: string, waiter: PendingReply): void {
    const early = this.unclaimed?.get(ref);
    if (early === undefined) {
      this.waiters.set(ref, waiter);
      return;
    }

    this.unclaimed?.delete(ref);
    waiter.reply(early);
  }

  /** Stops `waiter` waiting for `ref`; a no-op if it no longer waits. */
  cancel(ref: string, waiter: PendingReply): void {
    if (this.waiters.get(ref) === waiter) this.waiters.delete(ref);
  }

  /**
   * The reply to `ref`, once: emits it and completes. Unsubscribing stops
   * waiting.
   */
  reply$(ref: string, event: string): Observable<ReplyPayload> {
    return new Observable<ReplyPayload>((subscriber) => {
      const waiter: PendingReply = {
        event,
        reply: (reply) => {
          subscriber.next(reply);
          subscriber.complete();
        },
        fail: (error) => subscriber.error(error),
      };
      this.wait(ref, waiter);

      return () => this.cancel(ref, waiter);
    });
  }

  /** Hands a `phx_reply` to whoever waits for its ref. */
  settle(message: PhoenixMessage): void {
    if (message.ref === null) return;

    const waiter = this.waiters.get(message.ref);
    if (waiter === undefined) {
      this.keepUnclaimed(message.ref, asReply(message.payload));
      return;
    }

    this.waiters.delete(message.ref);
    waiter.reply(asReply(message.payload));
  }

  /**
   * Fails every waiter, e.g. when the channel is lost or closed, and
   * forgets the unclaimed replies.
   */
  failAll(errorFor: (event: string) => Error): void {
    const waiters = [...this.waiters.values()];
    this.waiters.clear();
    this.unclaimed = undefined;
    for (const waiter of waiters) waiter.fail(errorFor(waiter.event));
  }

  /** How many refs await a reply. */
  get size(): number {
    return this.waiters.size;
  }

  /** Keeps a reply for a late waiter; the oldest goes beyond the bound. */
  private keepUnclaimed(ref: string, reply: ReplyPayload): void {
    this.unclaimed ??= new Map();
    this.unclaimed.set(ref, reply);
    if (this.unclaimed.size <= UNCLAIMED_REPLIES_KEPT) return;

    const oldest = this.unclaimed.keys().next();
    if (oldest.done !== true) this.unclaimed.delete(oldest.value);
  }
}

/**
 * How many replies that came before anybody waited are kept: enough for
 * `receive` chained a little late, bounded so that replies nobody will
 * ever claim cost nothing that grows.
 */
const UNCLAIMED_REPLIES_KEPT = 64;

function asReply(payload: unknown): ReplyPayload {
  if (typeof payload === "object" && payload !== null && "status" in payload) {
    return payload as ReplyPayload;
  }

  return { status: "error", response: { reason: "malformed reply" } };
}
