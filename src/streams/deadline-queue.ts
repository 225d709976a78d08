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
 * What a deadline calls when it comes. An object with a method rather than
 * a callback, so that the thing that waits can be its own target.
 */
export interface Expirable {
  expire(): void;
}

/**
 * One deadline in the queue; {@link DeadlineQueue.cancel} takes it. Treat
 * it as opaque.
 */
export interface Deadline {
  readonly at: number;
  readonly target: Expirable;
  cancelled: boolean;
}

/**
 * Past this many cancelled entries, and once they outnumber the live ones,
 * the heap is rebuilt without them, so that answered pushes do not pile up
 * until their deadline would have come.
 */
const COMPACT_THRESHOLD = 1024;

/**
 * Expires each target at its deadline, unless it was cancelled first.
 *
 * ```
 * add(at 5, a), add(at 3, b), cancel(a) at 4:   ---b------
 * ```
 *
 * @example
 * ```ts
 * const deadlines = new DeadlineQueue();
 * const deadline = deadlines.add(asyncScheduler.now() + 5_000, {
 *   expire: () => console.log("timed out"),
 * });
 * deadlines.cancel(deadline); // nothing is logged
 * ```
 */
export class DeadlineQueue {
  private readonly heap: Deadline[] = [];
  private cancelledCount = 0;
  private wakeUp: Subscription | undefined;
  private wakeUpAt = Number.POSITIVE_INFINITY;

  /**
   * Calls `target.expire()` at virtual or real time `at` (as
   * `asyncScheduler.now()` reads it). Returns the deadline, for `cancel`.
   */
  add(at: number, target: Expirable): Deadline {
    const deadline: Deadline = { at, target, cancelled: false };
    this.push(deadline);
    if (at < this.wakeUpAt) this.schedule();

    return deadline;
  }

  /** Cancels a deadline; cancelling it again, or after it came, is a no-op. */
  cancel(deadline: Deadline): void {
    if (deadline.cancelled) return;

    deadline.cancelled = true;
    this.cancelledCount += 1;
    if (this.size === 0) this.clear();
    else if (
      this.cancelledCount > COMPACT_THRESHOLD &&
      this.cancelledCount > this.size
    ) {
      this.compact();
    }
  }

  /** How many deadlines are still to come; for tests and diagnostics. */
  get size(): number {
    return this.heap.length - this.cancelledCount;
  }

  /** Cancels every deadline and the timer. */
  clear(): void {
    for (const deadline of this.heap) deadline.cancelled = true;
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
      if (deadline.cancelled) {
        this.cancelledCount -= 1;
        continue;
      }

      deadline.cancelled = true;
      deadline.target.expire();
    }

    if (this.heap.length > 0) this.schedule();
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

  private compact(): void {
    const live = this.heap.filter((deadline) => !deadline.cancelled);
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
