/**
 * Helpers for tests that run inside `TestScheduler.run`.
 */
import { asyncScheduler, type Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { expect } from "vitest";

/** A TestScheduler that compares frames with vitest's deep equality. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
}

/** A value and the virtual time at which it was seen. */
export type Timed<T> = [time: number, value: T];

/**
 * Collects every value of `source` with its virtual time, for assertions
 * that read better as a table than as a marble string.
 */
export function recordTimed<T>(source: Observable<T>): Timed<T>[] {
  const seen: Timed<T>[] = [];
  source.subscribe((value) => seen.push([asyncScheduler.now(), value]));
  return seen;
}

/**
 * Runs `action` after `delay` of virtual time from now: at time `delay`
 * when called while setting a test up.
 */
export function at(delay: number, action: () => void): void {
  asyncScheduler.schedule(action, delay);
}
