import { asyncScheduler } from "rxjs";
import { describe, expect, it } from "vitest";
import {
  type Deadline,
  DeadlineQueue,
} from "../../src/streams/deadline-queue.js";
import { at, createTestScheduler } from "../support/virtual-time.js";

describe("DeadlineQueue", () => {
  it("should expire each deadline at its time, in time order", () => {
    const scheduler = createTestScheduler();
    const expired: [number, string][] = [];
    scheduler.run(() => {
      const deadlines = new DeadlineQueue();
      const note = (at: number, name: string): Deadline => ({
        at,
        expire: () => expired.push([asyncScheduler.now(), name]),
      });
      deadlines.add(note(30, "c"));
      deadlines.add(note(10, "a"));
      deadlines.add(note(20, "b"));
      deadlines.add(note(10, "a2"));
      at(15, () => deadlines.add(note(16, "late")));
    });

    expect(expired).toEqual([
      [10, "a"],
      [10, "a2"],
      [16, "late"],
      [20, "b"],
      [30, "c"],
    ]);
    expect(scheduler.actions).toHaveLength(0);
  });

  it("should not call a cancelled deadline, and wake once for nothing when none is left", () => {
    const scheduler = createTestScheduler();
    const expired: string[] = [];
    let size = -1;
    scheduler.run(() => {
      const deadlines = new DeadlineQueue();
      const note = (at: number, name: string): Deadline => ({
        at,
        expire: () => expired.push(name),
      });
      const a = note(10, "a");
      const c = note(100, "c");
      deadlines.add(a);
      deadlines.add(note(20, "b"));
      deadlines.add(c);
      at(5, () => deadlines.cancel(a));
      at(25, () => {
        deadlines.cancel(c);
        size = deadlines.size;
      });
    });

    expect(expired).toEqual(["b"]);
    expect(size).toBe(0);
    // The timer armed for c stays (a later deadline would have needed no
    // timer of its own), wakes at 100, finds nothing and stops.
    expect(scheduler.now()).toBe(100);
    expect(scheduler.actions).toHaveLength(0);
  });

  it("should reuse the armed timer for a later deadline after the last was cancelled", () => {
    const scheduler = createTestScheduler();
    const expired: number[] = [];
    scheduler.run(() => {
      const deadlines = new DeadlineQueue();
      const first: Deadline = { at: 10, expire: () => expired.push(10) };
      deadlines.add(first);
      at(2, () => deadlines.cancel(first));
      at(4, () => deadlines.add({ at: 14, expire: () => expired.push(14) }));
    });

    // Woken at 10 for nothing, then at 14 for the second deadline.
    expect(expired).toEqual([14]);
    expect(scheduler.now()).toBe(14);
  });

  it("should keep no cancelled deadline once none is left to come", () => {
    const scheduler = createTestScheduler();
    const stored: number[] = [];
    scheduler.run(() => {
      const deadlines = new DeadlineQueue();
      const first: Deadline = { at: 100, expire: () => {} };
      const second: Deadline = { at: 200, expire: () => {} };
      deadlines.add(first);
      deadlines.add(second);
      at(1, () => {
        deadlines.cancel(first);
        stored.push(deadlines.storedEntries);
        deadlines.cancel(second);
        stored.push(deadlines.storedEntries);
      });
    });

    // A payload held by a cancelled push is not kept until compaction.
    expect(stored).toEqual([2, 0]);
  });

  it("should stop its timer on releaseIfIdle once no deadline is left", () => {
    const scheduler = createTestScheduler();
    scheduler.run(() => {
      const deadlines = new DeadlineQueue();
      const only: Deadline = { at: 1_000_000, expire: () => {} };
      deadlines.add(only);
      at(5, () => {
        deadlines.cancel(only);
        deadlines.releaseIfIdle();
      });
    });

    // Had the timer stayed, run() would have flushed up to 1 000 000.
    expect(scheduler.now()).toBe(5);
  });

  it("should keep order through many additions and cancellations", () => {
    const scheduler = createTestScheduler();
    const expired: number[] = [];
    const expected: number[] = [];
    scheduler.run(() => {
      const deadlines = new DeadlineQueue();
      for (let i = 0; i < 3_000; i++) {
        const time = 1 + ((i * 7919) % 500);
        const deadline = { at: time, expire: () => expired.push(time) };
        deadlines.add(deadline);
        if (i % 3 === 0) deadlines.cancel(deadline);
        else expected.push(time);
      }
    });

    expect(expired).toEqual(expected.sort((a, b) => a - b));
  });

  it("should expire a deadline once however often it is added, and never after a cancel", () => {
    const scheduler = createTestScheduler();
    const expired: string[] = [];
    scheduler.run(() => {
      const deadlines = new DeadlineQueue();
      const twice: Deadline = { at: 10, expire: () => expired.push("twice") };
      const again: Deadline = { at: 10, expire: () => expired.push("again") };
      deadlines.add(twice);
      deadlines.add(twice);
      deadlines.add(again);
      deadlines.cancel(again);
      deadlines.add(again);
    });

    expect(expired).toEqual(["twice"]);
  });
});
