/**
 * The human-readable form of a log record, the one the Atomemo SDK has
 * always printed: `[YYYY-MM-DD HH:mm:ss] KIND message data`.
 */

/** Fields of a pino record that the line shows elsewhere or not at all. */
const HIDDEN_FIELDS = new Set([
  "level",
  "time",
  "pid",
  "hostname",
  "msg",
  "kind",
  "name",
]);

const LEVEL_KINDS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

/**
 * Formats one pino record (already parsed) as a line, newline included.
 *
 * @example
 * ```ts
 * formatLogLine({ time: Date.parse("2026-03-01T12:00:00"), level: 30,
 *   kind: "CHANNEL:JOINED", msg: "Joined debug_plugin:demo successfully" });
 * // "[2026-03-01 12:00:00] CHANNEL:JOINED Joined debug_plugin:demo
 * // successfully\n"
 * ```
 */
export function formatLogLine(record: Record<string, unknown>): string {
  const time = formatTimestamp(new Date(Number(record.time ?? Date.now())));
  const kind =
    typeof record.kind === "string"
      ? record.kind
      : (LEVEL_KINDS[Number(record.level)] ?? "LOG");
  const message = typeof record.msg === "string" ? record.msg : "";
  const data = dataOf(record);

  const parts = [`[${time}]`, kind, message];
  if (data !== undefined) parts.push(data);

  return `${parts.filter(Boolean).join(" ")}\n`;
}

/**
 * Local time as `YYYY-MM-DD HH:mm:ss`.
 *
 * @example
 * ```ts
 * formatTimestamp(new Date(2026, 2, 1, 12, 0, 0)); // "2026-03-01 12:00:00"
 * ```
 */
export function formatTimestamp(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;

  return `${day} ${clock}`;
}

function dataOf(record: Record<string, unknown>): string | undefined {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!HIDDEN_FIELDS.has(key)) data[key] = value;
  }

  return Object.keys(data).length === 0 ? undefined : JSON.stringify(data);
}
