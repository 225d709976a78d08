/**
 * The environment a plugin process gets from the Atomemo CLI: where the hub
 * is, which socket to use, the debug API key and the logging switch. It is
 * read and checked once, before anything connects, and every problem is
 * reported at once, one line each.
 */
import { ConfigurationError } from "../errors.js";

/**
 * What the transporter needs from the environment.
 *
 * @example
 * ```ts
 * readHubEnvironment({ HUB_WS_URL: "ws://127.0.0.1:4000",
 *   HUB_DEBUG_API_KEY: "k" });
 * // { hubUrl: "ws://127.0.0.1:4000", mode: "debug", apiKey: "k",
 * //   production: false, debug: false }
 * ```
 */
export interface HubEnvironment {
  /** HUB_WS_URL without a trailing slash. */
  hubUrl: string;
  /** HUB_MODE: `debug` (the default) or a release environment name. */
  mode: string;
  /** HUB_DEBUG_API_KEY; required unless NODE_ENV is `production`. */
  apiKey: string | undefined;
  /** NODE_ENV is `production`: no API key is sent. */
  production: boolean;
  /** DEBUG asks for this library's detailed log. */
  debug: boolean;
}

/** The variables read, for the README and error messages. */
export const ENVIRONMENT_VARIABLES = [
  "HUB_WS_URL",
  "HUB_MODE",
  "HUB_DEBUG_API_KEY",
  "DEBUG",
  "NODE_ENV",
] as const;

const MODE_PATTERN = /^[a-z][a-z0-9_]*$/;
const DEBUG_ON = new Set(["1", "true", "yes", "on", "*"]);
const DEBUG_OFF = new Set(["", "0", "false", "no", "off"]);
const NAMESPACE_PATTERN = /^[A-Za-z0-9_.:*-]+$/;

/**
 * Reads and checks the environment.
 *
 * @throws {ConfigurationError} listing every problem found.
 * @example
 * ```ts
 * readHubEnvironment({});
 * // ConfigurationError: Invalid configuration:
 * //   - HUB_WS_URL is not set: the hub's WebSocket URL, e.g. ...
 * //   - HUB_DEBUG_API_KEY is not set: ...
 * ```
 */
export function readHubEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): HubEnvironment {
  const problems: string[] = [];
  const production = env.NODE_ENV === "production";
  const hubUrl = checkUrl(env.HUB_WS_URL, problems);
  const mode = checkMode(env.HUB_MODE, problems);
  const apiKey = checkApiKey(env.HUB_DEBUG_API_KEY, production, problems);
  const debug = checkDebug(env.DEBUG, problems);

  if (problems.length > 0) throw new ConfigurationError(problems);

  return { hubUrl, mode, apiKey, production, debug };
}

function checkUrl(value: string | undefined, problems: string[]): string {
  if (value === undefined || value.trim() === "") {
    problems.push(
      "HUB_WS_URL is not set: the hub's WebSocket URL, " +
        "e.g. wss://hub.atomemo.ai",
    );
    return "";
  }

  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== "ws:" && protocol !== "wss:") {
    problems.push(
      `HUB_WS_URL must be a ws:// or wss:// URL, got ${JSON.stringify(value)}`,
    );
  }

  return value.trim().replace(/\/+$/, "");
}

function checkMode(value: string | undefined, problems: string[]): string {
  if (value === undefined || value === "") return "debug";

  if (!MODE_PATTERN.test(value)) {
    problems.push(
      'HUB_MODE must be "debug" or a release environment name ' +
        `(lowercase letters, digits, _), got ${JSON.stringify(value)}`,
    );
  }

  return value;
}

function checkApiKey(
  value: string | undefined,
  production: boolean,
  problems: string[],
): string | undefined {
  if (production) return value;

  if (value === undefined || value.trim() === "") {
    problems.push(
      "HUB_DEBUG_API_KEY is not set: it is required unless " +
        "NODE_ENV=production (run `atomemo plugin refresh-key` to get one)",
    );
    return undefined;
  }

  return value;
}

function checkDebug(value: string | undefined, problems: string[]): boolean {
  const normalized = (value ?? "").trim().toLowerCase();
  if (DEBUG_OFF.has(normalized)) return false;
  if (DEBUG_ON.has(normalized)) return true;

  const namespaces = normalized.split(/[\s,]+/).filter(Boolean);
  if (!namespaces.every((namespace) => NAMESPACE_PATTERN.test(namespace))) {
    problems.push(
      "DEBUG must be 1/true/yes/on, 0/false/no/off, or a list of debug " +
        `namespaces such as "atomemo:*", got ${JSON.stringify(value)}`,
    );
    return false;
  }

  return namespaces.some(enablesAtomemo);
}

/** Whether a `debug`-style namespace pattern covers this library. */
function enablesAtomemo(namespace: string): boolean {
  if (namespace.startsWith("-")) return false;

  const pattern = new RegExp(
    `^${namespace.replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`,
  );
  return pattern.test("atomemo") || pattern.test("atomemo:transporter");
}
