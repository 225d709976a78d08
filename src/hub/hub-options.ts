import pino, { type Logger } from "pino";
import { HubArgumentError } from "./errors.js";
import type { HubCallHandler, HubOptions } from "./types.js";

/** Default interface the hub listens on. */
export const DEFAULT_HOST = "127.0.0.1";
/** Default timeout of hub → plugin requests. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** {@link HubOptions} checked, with every default filled in. */
export interface HubSettings {
  host: string;
  port: number;
  apiKeys: ReadonlySet<string> | null;
  requestTimeoutMs: number;
  hubCallHandler: HubCallHandler | undefined;
  logger: Logger;
  maxFrameBytes: number | undefined;
  httpApi: boolean;
  staleJoinRef: "unmatched" | "deliver";
}

/**
 * Checks the options and fills in the defaults; a bad option throws a
 * `HubArgumentError` naming it.
 *
 * @example
 * resolveHubOptions({ port: 4000 }).host; // "127.0.0.1"
 */
export function resolveHubOptions(options: HubOptions = {}): HubSettings {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new HubArgumentError(`port must be an integer 0-65535, got ${port}`);
  }

  const requestTimeoutMs =
    options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  assertPositive("requestTimeoutMs", requestTimeoutMs);

  if (options.maxFrameBytes !== undefined) {
    assertPositive("maxFrameBytes", options.maxFrameBytes);
  }

  return {
    host: options.host ?? DEFAULT_HOST,
    port,
    apiKeys: resolveApiKeys(options.apiKeys),
    requestTimeoutMs,
    hubCallHandler: options.hubCallHandler,
    logger: resolveLogger(options.logger),
    maxFrameBytes: options.maxFrameBytes,
    httpApi: options.httpApi ?? false,
    staleJoinRef: options.staleJoinRef ?? "deliver",
  };
}

function resolveApiKeys(
  apiKeys: string | string[] | undefined,
): ReadonlySet<string> | null {
  if (apiKeys === undefined) {
    return null;
  }

  const keys = typeof apiKeys === "string" ? [apiKeys] : apiKeys;
  if (!Array.isArray(keys) || keys.some((key) => typeof key !== "string")) {
    throw new HubArgumentError("apiKeys must be a string or string[]");
  }
  return new Set(keys);
}

function resolveLogger(logger: Logger | false | undefined): Logger {
  if (!logger) {
    return pino({ level: "silent" });
  }
  return logger.child({ component: "atomemo-hub" });
}

function assertPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new HubArgumentError(`${name} must be a number > 0, got ${value}`);
  }
}
