/**
 * The few statistics the benchmark reports: median, min and max over
 * repeated runs, and percentiles over the samples of one run.
 *
 * Medians rather than means, because one run hit by a GC pause or a
 * noisy neighbour should not move the figure.
 */

/** Median, min and max of a set of values. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/**
 * The median, min and max of `values`; throws if there are none.
 *
 * @example
 * spreadOf([3, 1, 2]); // { median: 2, min: 1, max: 3 }
 */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) {
    throw new RangeError("spreadOf: no values");
  }

  const sorted = [...values].sort((left, right) => left - right);
  return {
    median: percentileOfSorted(sorted, 50),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
}

/**
 * The `percent` percentile of `sorted` (ascending), interpolating
 * between the two nearest samples.
 *
 * @example
 * percentileOfSorted([10, 20, 30, 40], 50); // 25
 */
export function percentileOfSorted(
  sorted: ArrayLike<number>,
  percent: number,
): number {
  if (sorted.length === 0) {
    throw new RangeError("percentileOfSorted: no values");
  }

  const position = ((sorted.length - 1) * percent) / 100;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const weight = position - below;
  const low = sorted[below] as number;
  const high = sorted[above] as number;

  return low + (high - low) * weight;
}
