/**
 * A pino logger for the test hub that keeps its records, so that a test
 * can see what the server saw: the close code and reason of a connection,
 * every refused upgrade.
 */
import pino from "pino";

/** A record of the hub's log, with the fields the tests read. */
export interface HubLogRecord {
  msg: string;
  code?: number;
  reason?: string;
  status?: number;
  connectionId?: string;
}

/** The hub's logger, its records, and a bounded wait for one of them. */
export interface HubLog {
  readonly logger: pino.Logger;
  readonly records: HubLogRecord[];
  /** Forgets every record so far, e.g. between tests sharing the log. */
  clear(): void;
  /** The first record matching, or a rejection after `timeoutMs`. */
  waitFor(
    predicate: (record: HubLogRecord) => boolean,
    timeoutMs?: number,
  ): Promise<HubLogRecord>;
}

/**
 * Makes a logger to pass as the hub's `logger` option.
 *
 * @example
 * ```ts
 * const log = hubLog();
 * const hub = await startHub({ logger: log.logger });
 * await log.waitFor((record) => record.msg === "connection closed");
 * ```
 */
export function hubLog(): HubLog {
  const records: HubLogRecord[] = [];
  const listeners = new Set<() => void>();
  const logger = pino(
    { level: "debug" },
    {
      write: (line: string) => {
        records.push(JSON.parse(line) as HubLogRecord);
        for (const listener of [...listeners]) listener();
      },
    },
  );

  const waitFor: HubLog["waitFor"] = (predicate, timeoutMs = 5_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = records.find(predicate);
        if (found === undefined) return;

        settle();
        resolve(found);
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`no hub log record matched within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };

      listeners.add(check);
      check();
    });

  return { logger, records, waitFor, clear: () => records.splice(0) };
}
