/**
 * Helpers for tests over real sockets: what keeps the process alive, and a
 * logger that keeps its records.
 */
import type { Logger } from "../../src/streams/logger.js";

/**
 * The kinds of resource that keep the event loop alive, counted, sorted.
 * Timers and sockets are what a leaked transport would leave behind.
 */
export function activeHandles(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((kind) => kind === "Timeout" || kind.includes("TCP"))
    .sort();
}

/** A structured log record as the engine writes it. */
export interface LogRecord {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  kind?: string;
  [field: string]: unknown;
}

/** A logger that keeps every record, for assertions. */
export function recordingLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord["level"]) => (record: object, message: string) => {
      records.push({ ...record, level, message });
    };

  return {
    records,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}
