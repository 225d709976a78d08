/**
 * How long to wait before the next attempt: a stepped schedule, with full
 * jitter on top by default so that many plugins dropped at once by a hub
 * restart do not all come back at the same millisecond.
 */

/**
 * The reconnect schedule of phoenix.js, in milliseconds: the attempt after
 * the last step keeps waiting the last step.
 *
 * @example
 * ```ts
 * stepDelay(DEFAULT_RECONNECT_STEPS_MS, 12); // 5000
 * ```
 */
export const DEFAULT_RECONNECT_STEPS_MS: readonly number[] = [
  10, 50, 100, 150, 200, 250, 500, 1000, 2000, 5000,
];

/**
 * The rejoin schedule of phoenix.js, in milliseconds.
 *
 * @example
 * ```ts
 * stepDelay(DEFAULT_REJOIN_STEPS_MS, 1); // 1000
 * ```
 */
export const DEFAULT_REJOIN_STEPS_MS: readonly number[] = [
  1000, 2000, 5000, 10_000,
];

/**
 * The step of the schedule for a 1-based attempt number.
 *
 * @example
 * ```ts
 * stepDelay([10, 50, 100], 1); // 10
 * stepDelay([10, 50, 100], 9); // 100
 * ```
 */
export function stepDelay(steps: readonly number[], attempt: number): number {
  const index = Math.min(Math.max(attempt, 1), steps.length) - 1;

  return steps[index] ?? 0;
}

/**
 * Full jitter: a delay drawn uniformly from 0 up to the step, so the
 * expected wait is half the step and no two clients wait alike.
 *
 * @param random - a source of numbers in [0, 1), `Math.random` by default.
 * @example
 * ```ts
 * fullJitter(1000, () => 0.25); // 250
 * ```
 */
export function fullJitter(
  delayMs: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * delayMs);
}
