/**
 * Checks of option values, run when options are read so that a bad value
 * fails with a TypeError before anything connects, never in mid-stream.
 */

/**
 * @throws {TypeError} unless `value` is a finite number above 0.
 * @example
 * ```ts
 * assertPositiveMs("joinTimeoutMs", 0);
 * // TypeError: joinTimeoutMs must be a positive number of milliseconds,
 * // got 0
 * ```
 */
export function assertPositiveMs(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(
      `${name} must be a positive number of milliseconds, got ${value}`,
    );
  }
}

/**
 * @throws {TypeError} unless `value` is a whole number of at least 0.
 * @example
 * ```ts
 * assertCount("pushBufferSize", 1.5);
 * // TypeError: pushBufferSize must be a whole number >= 0, got 1.5
 * ```
 */
export function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a whole number >= 0, got ${value}`);
  }
}

/**
 * @throws {TypeError} when the list is empty or holds anything but
 * non-negative finite numbers.
 * @example
 * ```ts
 * assertSchedule("reconnectStepsMs", [10, -1]);
 * // TypeError: reconnectStepsMs must be a non-empty list of non-negative
 * // milliseconds, got [10,-1]
 * ```
 */
export function assertSchedule(name: string, steps: readonly number[]): void {
  const valid =
    Array.isArray(steps) &&
    steps.length > 0 &&
    steps.every((step) => Number.isFinite(step) && step >= 0);
  if (!valid) {
    throw new TypeError(
      `${name} must be a non-empty list of non-negative milliseconds, ` +
        `got ${JSON.stringify(steps)}`,
    );
  }
}
