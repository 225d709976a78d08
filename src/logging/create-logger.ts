/**
 * The transporter's logger: pino, writing readable lines to stderr. With
 * DEBUG on, everything from debug up; otherwise only warnings and errors,
 * so that a refused key or a dropped frame is never silent.
 */
import pino from "pino";
import type { Logger } from "../streams/logger.js";
import { formatLogLine } from "./log-line.js";

/**
 * Paths pino masks in every record, whatever the caller puts in it: the
 * API key must never reach a log line.
 */
export const REDACTED_PATHS = [
  "api_key",
  "apiKey",
  "params.api_key",
  "*.api_key",
  "*.apiKey",
];

/**
 * Where the lines go: any object with a `write(line)` method. Defaults to
 * the process's stderr.
 */
export interface LineSink {
  write(line: string): unknown;
}

/**
 * Creates the default logger.
 *
 * @example
 * ```ts
 * const logger = createLogger({ debug: true });
 * logger.info({ kind: "CHANNEL:JOINED" }, "Joined debug_plugin:demo successfully");
 * // [2026-03-01 12:00:00] CHANNEL:JOINED Joined debug_plugin:demo successfully
 * ```
 */
export function createLogger(options: {
  debug: boolean;
  sink?: LineSink;
}): Logger {
  const sink = options.sink ?? process.stderr;
  const destination = {
    write(json: string): void {
      sink.write(formatLogLine(JSON.parse(json)));
    },
  };

  return pino(
    {
      level: options.debug ? "debug" : "warn",
      base: null,
      redact: { paths: REDACTED_PATHS, censor: "***" },
    },
    destination,
  );
}
