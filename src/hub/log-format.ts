/**
 * A small pino destination that turns JSON log lines into one readable
 * line each: `12:03:04.123 INFO  hub listening url=ws://127.0.0.1:4000`.
 */

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

const OMITTED_KEYS = new Set(["level", "time", "msg", "pid", "hostname"]);

/** Where formatted lines go (a stream such as `process.stdout`). */
export interface LineSink {
  write(line: string): unknown;
}

/**
 * A pino destination writing readable lines to `sink`.
 *
 * @example
 * import pino from "pino";
 * const logger = pino({}, readableDestination(process.stdout));
 * logger.info({ port: 4000 }, "hub listening");
 * // 12:03:04.123 INFO  hub listening port=4000
 */
export function readableDestination(sink: LineSink): {
  write(line: string): void;
} {
  return {
    write(line: string) {
      sink.write(`${formatLogLine(line)}\n`);
    },
  };
}

/**
 * Formats one pino JSON line; a line that is not JSON is kept as it is.
 *
 * @example
 * formatLogLine('{"level":40,"time":0,"msg":"slow","ms":12}');
 * // "00:00:00.000 WARN  slow ms=12"  (time shown in UTC)
 */
export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line);
  } catch {
    return line.trimEnd();
  }

  const time = new Date(Number(record.time ?? Date.now()))
    .toISOString()
    .slice(11, 23);
  const level = (LEVEL_NAMES[Number(record.level)] ?? "LOG").padEnd(5);
  const fields = Object.entries(record)
    .filter(([key]) => !OMITTED_KEYS.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);

  return [time, level, String(record.msg ?? ""), ...fields].join(" ");
}

function formatValue(value: unknown): string {
  if (typeof value === "string") {
    return /\s/.test(value) ? JSON.stringify(value) : value;
  }
  return JSON.stringify(value);
}
