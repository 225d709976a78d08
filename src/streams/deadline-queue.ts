/**
 * Deadlines of many pending pushes on one timer. An RxJS `timeout` per push
 * costs a timer object per push; with thousands in flight the garbage
 * collector ends up doing most of the work. Here the deadlines sit in a
 * binary heap and one `timer` waits for the earliest, so a push costs a
 * small object and a log-time insertion, and the timing stays RxJS timing
 * that marble tests drive.
 */
import { asyncScheduler, type Subscription, timer } from "rxjs";

/**
 * Something with a deadline: the thing that waits is its own entry in the
 * queue, so adding a deadline allocates nothing. A deadline is added once.
 *
 * @example
 * ```ts
 * const deadline: Deadline = {
 *   at: asyncScheduler.now() + 5_000,
 *   expire: () => console.log("timed out"),
 * };
 * ```
 */
export interface Deadline {
  /** When it comes, in the time `asyncScheduler.now()` reads. */
  readonly at: number;
  /**
   * The queue's mark: "queued" while it waits, "done" once it came or was
   * cancelled. Leave it unset.
   */
  queueState?: "queued" | "done";
  /** Called once when the deadline comes, unless it was cancelled. */
  expire(): void;
}

/**
 * Past this many cancelled entries, and once they outnumber the live ones,
 * the heap is rebuilt without them, so that answered pushes do not pile up
 * until their deadline would have come.
 */
const COMPACT_THRESHOLD = 1024;

/**
 * Expires each deadline when it comes, unless it was cancelled first.
 *
 * ```
 * add(a at 5), add(b at 3), cancel(a) at 4:   ---b------
 * ```
 *
 * @example
 * ```ts
 * const deadlines = new DeadlineQueue();
 * const deadline = {
 *   at: asyncScheduler.now() + 5_000,
 *   expire: () => console.log("timed out"),
 * };
 * deadlines.add(deadline);
 * deadlines.cancel(deadline); // nothing is logged
 * ```
 */
export class DeadlineQueue {
  private readonly heap: Deadline[] = [];
  private cancelledCount = 0;
  private wakeUp: Subscription | undefined;
  private wakeUpAt = Number.POSITIVE_INFINITY;

  /**
   * Calls `deadline.expire()` at virtual or real time `deadline.at`. A
   * deadline that was added before, to this queue or another, is ignored.
   */
  add(deadline: Deadline): void {
    if (deadline.queueState !== undefined) return;

    deadline.queueState = "queued";
    this.push(deadline);
    if (deadline.at < this.wakeUpAt) this.schedule();
  }

  /**
   * Cancels a deadline; cancelling one that came already, or was never
   * added, is a no-op. Its heap slot is reclaimed later, in bulk.
   */
  cancel(deadline: Deadline): void {
    if (deadline.queueState !== "queued") return;

    deadline.queueState = "done";
    this.cancelledCount += 1;
    if (this.size === 0) this.forgetCancelled();
    else if (
      this.cancelledCount > COMPACT_THRESHOLD &&
      this.cancelledCount > this.size
    ) {
      this.compact();
    }
  }

  /**
   * Stops the timer if no deadline is left to come: for when no new one
   * is expected soon (the channel was lost or closed), so that an idle
   * queue keeps nothing scheduled.
   */
  releaseIfIdle(): void {
    if (this.size === 0) this.clear();
  }

  /**
   * How many entries the heap keeps, cancelled ones included; for tests
   * and diagnostics.
   */
  get storedEntries(): number {
    return this.heap.length;
  }

  /** How many deadlines are still to come; for tests and diagnostics. */
  get size(): number {
    return this.heap.length - this.cancelledCount;
  }

  /** Cancels every deadline and the timer. */
  clear(): void {
    for (const deadline of this.heap) deadline.queueState = "done";
    this.heap.length = 0;
    this.cancelledCount = 0;
    this.stopTimer();
  }

  private expireDue(): void {
    this.wakeUp = undefined;
    this.wakeUpAt = Number.POSITIVE_INFINITY;
    const now = asyncScheduler.now();

    while (this.heap.length > 0 && (this.heap[0]?.at ?? 0) <= now) {
      const deadline = this.pop();
      if (deadline.queueState !== "queued") {
        this.cancelledCount -= 1;
        continue;
      }

      deadline.queueState = "done";
      deadline.expire();
    }

    if (this.size > 0) this.schedule();
    else this.clear();
  }

  private schedule(): void {
    this.stopTimer();
    const next = this.heap[0];
    if (next === undefined) return;

    this.wakeUpAt = next.at;
    const delay = Math.max(0, next.at - asyncScheduler.now());
    this.wakeUp = timer(delay).subscribe(() => this.expireDue());
  }

  private stopTimer(): void {
    this.wakeUp?.unsubscribe();
    this.wakeUp = undefined;
    this.wakeUpAt = Number.POSITIVE_INFINITY;
  }

  /**
   * Empties a heap that holds only cancelled deadlines, so that they (and
   * what they hold, a push's payload among it) can be collected. The
   * timer stays armed: the next deadline (a push after a push) most
   * likely comes later, and then needs no timer of its own. At worst it
   * wakes once for nothing; `releaseIfIdle` stops it for good.
   */
  private forgetCancelled(): void {
    this.heap.length = 0;
    this.cancelledCount = 0;
  }

  private compact(): void {
    const live = this.heap.filter(
      (deadline) => deadline.queueState === "queued",
    );
    this.heap.length = 0;
    this.cancelledCount = 0;
    for (const deadline of live) this.push(deadline);
    this.schedule();
  }

  private push(deadline: Deadline): void {
    const heap = this.heap;
    let index = heap.length;
    heap.push(deadline);

    // Sift up: move parents down until the new deadline's place is found.
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as Deadline;
      if (parent.at <= deadline.at) break;

      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = deadline;
  }

  private pop(): Deadline {
    const heap = this.heap;
    const top = heap[0] as Deadline;
    const last = heap.pop() as Deadline;
    if (heap.length === 0) return top;

    // Sift down: the last entry takes the root's place, then sinks.
    let index = 0;
    for (;;) {
      const child = this.earlierChild(index);
      if (child === undefined || child.deadline.at >= last.at) break;

      heap[index] = child.deadline;
      index = child.index;
    }
    heap[index] = last;

    return top;
  }

  private earlierChild(
    index: number,
  ): { index: number; deadline: Deadline } | undefined {
    const leftIndex = 2 * index + 1;
    const left = this.heap[leftIndex];
    if (left === undefined) return undefined;

    const right = this.heap[leftIndex + 1];
    if (right !== undefined && right.at < left.at) {
      return { index: leftIndex + 1, deadline: right };
    }

    return { index: leftIndex, deadline: left };
  }
}
