/**
 * One push waiting for its reply, with an optional deadline. It is its own
 * push watcher, reply waiter and deadline, so a waiting push costs this one
 * object, a map entry and a heap slot: no timer and no subscription of its
 * own, however many pushes are in flight.
 */
import type { Unsubscribable } from "rxjs";
import { PushTimeoutError } from "../errors.js";
import type { Deadline, DeadlineQueue } from "./deadline-queue.js";
import type { ReplyPayload } from "./message.js";
import type { OutboundPush, PushWatcher } from "./outbound-push.js";
import type {
  PendingReplies,
  PendingReply,
  ReplyWaiter,
} from "./pending-replies.js";
import type { PushBuffer } from "./push-buffer.js";

/** The parts of a channel a waiting push needs. */
export interface ReplyScope {
  readonly topic: string;
  readonly replies: PendingReplies;
  readonly deadlines: DeadlineQueue;
  readonly buffer: PushBuffer;
}

/**
 * Tells its waiter, once, the reply to a push or why none will come: the
 * push failed before it was sent, the channel dropped the wait (lost or
 * closed), or the deadline came first. `unsubscribe` stops waiting and
 * takes an unsent push out of the buffer.
 *
 * ```
 * timeout 5, reply at 2:   --r
 * timeout 5, no reply:     -----f   (PushTimeoutError)
 * ```
 *
 * @example
 * ```ts
 * const wait = new ReplyWait(scope, push, {
 *   reply: (reply) => console.log(reply.status),
 *   fail: (error) => console.log(error.name),
 * }, 5_000, asyncScheduler.now());
 * wait.start();
 * // ok
 * ```
 */
export class ReplyWait
  implements PushWatcher, PendingReply, Deadline, Unsubscribable
{
  /** When the wait times out; never without a `timeoutMs`. */
  readonly at: number;
  queueState: Deadline["queueState"];
  private settled = false;

  /**
   * With a `timeoutMs`, the wait fails with `PushTimeoutError` unless the
   * reply comes within that time of `startedAt`.
   */
  constructor(
    private readonly scope: ReplyScope,
    private readonly push: OutboundPush,
    private readonly waiter: ReplyWaiter,
    private readonly timeoutMs: number | undefined,
    startedAt: number,
  ) {
    this.at =
      timeoutMs === undefined
        ? Number.POSITIVE_INFINITY
        : startedAt + timeoutMs;
  }

  /** The event of the push. */
  get event(): string {
    return this.push.event;
  }

  /** Starts waiting: for the push to go out, then for its reply. */
  start(): this {
    if (this.timeoutMs !== undefined) this.scope.deadlines.add(this);
    this.push.watch(this);

    return this;
  }

  /** The push went out: wait for the reply to its ref. */
  sent(ref: string): void {
    if (!this.settled) this.scope.replies.wait(ref, this);
  }

  /** The push can never go out. */
  failed(error: Error): void {
    this.fail(error);
  }

  reply(reply: ReplyPayload): void {
    if (this.finish()) this.waiter.reply(reply);
  }

  fail(error: Error): void {
    if (this.finish()) this.waiter.fail(error);
  }

  expire(): void {
    const { topic } = this.scope;
    const timeoutMs = this.timeoutMs ?? Number.POSITIVE_INFINITY;
    this.fail(new PushTimeoutError(topic, this.push.event, timeoutMs));
  }

  /** Stops waiting without telling the waiter. */
  unsubscribe(): void {
    this.finish();
  }

  /** Releases what the wait holds; false if it was already over. */
  private finish(): boolean {
    if (this.settled) return false;

    this.settled = true;
    const { replies, deadlines, buffer } = this.scope;
    deadlines.cancel(this);
    if (this.push.ref === undefined) buffer.remove(this.push);
    else replies.cancel(this.push.ref, this);

    return true;
  }
}
