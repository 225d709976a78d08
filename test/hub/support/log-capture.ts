import pino, { type Logger } from "pino";

export interface LogCapture {
  logger: Logger;
  /** Parsed pino records, in order. */
  records: Array<Record<string, unknown> & { msg?: string; level: number }>;
  clear(): void;
}

/** A debug-level pino logger that keeps its records in memory. */
export function captureLogs(): LogCapture {
  const records: LogCapture["records"] = [];
  const logger = pino(
    { level: "debug" },
    { write: (line: string) => records.push(JSON.parse(line)) },
  );
  return { logger, records, clear: () => records.splice(0) };
}
