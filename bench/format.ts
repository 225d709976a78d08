/**
 * Number formatting for labels and tables: thousands separated by a
 * space ("200 000"), a sensible number of digits for any magnitude.
 */

/**
 * Formats an integer count with spaces between thousands.
 *
 * @example
 * formatCount(200000); // "200 000"
 */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString("en-US").replaceAll(",", " ");
}

/**
 * Formats a measured figure: whole numbers from 100 up, three
 * significant digits below.
 *
 * @example
 * formatFigure(415599.2); // "415 599"
 * formatFigure(3.14159); // "3.14"
 */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }

  if (Math.abs(value) >= 100) {
    return formatCount(value);
  }

  return value.toPrecision(3);
}
