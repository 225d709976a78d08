/**
 * A test hub per test and transporters wired to it with short timeouts, an
 * injected `exit` and an explicit environment, so that nothing in a test
 * reads the real environment or ends the test process. Whatever a test
 * connects is disposed after it, then the hub is closed.
 */
import { filter, firstValueFrom, type Observable, timeout } from "rxjs";
import { afterEach, beforeEach } from "vitest";
import {
  type HubOptions,
  startHub,
  type TestHub,
} from "../../../src/hub/index.js";
import {
  type Connection,
  createTransporter,
  type Transporter,
  type TransporterOptions,
} from "../../../src/transporter.js";
import { type LogRecord, recordingLogger } from "../../support/runtime.js";

/** The bound of every wait for a real event. */
export const WAIT_MS = 3_000;

/** The API key the tests' environments carry. */
export const API_KEY = "test-key-7f3a";

/** Short timeouts, so that every failure path settles quickly. */
export const FAST_OPTIONS: TransporterOptions = {
  joinTimeoutMs: 1_000,
  reconnectStepsMs: [10],
  rejoinStepsMs: [10],
  jitter: false,
  disposeTimeoutMs: 500,
};

/** The environment of a plugin in debug mode pointed at `hub`. */
export function debugEnv(
  hub: TestHub,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    HUB_WS_URL: hub.url,
    HUB_DEBUG_API_KEY: API_KEY,
    NODE_ENV: "test",
    ...overrides,
  };
}

/** The codes an injected `exit` was called with, and a way to await one. */
export interface ExitRecorder {
  readonly codes: number[];
  readonly exit: (code: number) => void;
  /** Resolves with the first code; rejects after {@link WAIT_MS}. */
  next(): Promise<number>;
}

/** An `exit` that records instead of ending the process. */
export function recordExit(): ExitRecorder {
  const codes: number[] = [];
  const waiters: Array<(code: number) => void> = [];

  return {
    codes,
    exit: (code) => {
      codes.push(code);
      for (const waiter of waiters.splice(0)) waiter(code);
    },
    next: () =>
      codes.length > 0
        ? Promise.resolve(codes[0] as number)
        : withinWait(new Promise<number>((resolve) => waiters.push(resolve))),
  };
}

/** What a test gets from {@link useHub}. */
export interface HubHarness {
  readonly hub: TestHub;
  /** A transporter on this hub with {@link FAST_OPTIONS}. */
  transporter(options?: HarnessOptions): HarnessTransporter;
}

/** Options of a harness transporter: the env is merged over the default. */
export type HarnessOptions = Omit<TransporterOptions, "env" | "exit"> & {
  env?: Record<string, string | undefined>;
};

/**
 * A transporter whose connections are disposed after the test. Unless the
 * test passes its own `logger`, it logs into `logRecords` instead of
 * stderr.
 */
export interface HarnessTransporter extends Transporter {
  readonly exits: ExitRecorder;
  readonly logRecords: LogRecord[];
}

/** A fresh hub for every test of the file. */
export function useHub(hubOptions?: HubOptions): HubHarness {
  let hub: TestHub | undefined;
  const connections: Connection[] = [];

  beforeEach(async () => {
    hub = await startHub(hubOptions);
  });

  afterEach(async () => {
    await Promise.allSettled(connections.splice(0).map((c) => c.dispose()));
    await hub?.close();
    hub = undefined;
  });

  const current = (): TestHub => {
    if (hub === undefined) throw new Error("the hub is used outside a test");
    return hub;
  };

  return {
    get hub() {
      return current();
    },
    transporter(options = {}) {
      const exits = recordExit();
      const logger = recordingLogger();
      const transporter = createTransporter({
        ...FAST_OPTIONS,
        logger,
        ...options,
        env: debugEnv(current(), options.env),
        exit: exits.exit,
      });
      const connect = async (topic: string) => {
        const connection = await transporter.connect(topic);
        connections.push(connection);
        return connection;
      };

      return { ...transporter, connect, exits, logRecords: logger.records };
    },
  };
}

/** The first value of `source$` that passes `predicate`, bounded. */
export function firstOf<T>(
  source$: Observable<T>,
  predicate: (value: T) => boolean = () => true,
): Promise<T> {
  return firstValueFrom(source$.pipe(filter(predicate), timeout(WAIT_MS)));
}

/** `promise`, or a rejection after {@link WAIT_MS}. */
export function withinWait<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no result within ${WAIT_MS} ms`)),
      WAIT_MS,
    );
  });

  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Resolves once `callback` has been called `count` times, bounded. */
export function callCounter<A extends unknown[]>(): {
  calls: A[];
  callback: (...args: A) => void;
  reached(count: number): Promise<void>;
} {
  const calls: A[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];

  return {
    calls,
    callback: (...args) => {
      calls.push(args);
      for (const waiter of [...waiters]) {
        if (calls.length < waiter.count) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    reached: (count) =>
      calls.length >= count
        ? Promise.resolve()
        : withinWait(
            new Promise<void>((resolve) => waiters.push({ count, resolve })),
          ),
  };
}
