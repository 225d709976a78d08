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
  /** HUB_WS_URL without a trailing slash (it has no query or fragment). */
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
const ATOMEMO_NAMESPACES = ["atomemo", "atomemo:transporter"];

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

  const url = value.trim();
  problems.push(...urlProblems(url));

  return url.replace(/\/+$/, "");
}

/** What is wrong with a HUB_WS_URL that is set: one line per problem. */
function urlProblems(url: string): string[] {
  const found: string[] = [];
  if (!isWebSocketUrl(url)) {
    found.push(
      `HUB_WS_URL must be a ws:// or wss:// URL, got ${quoteUrl(url)}`,
    );
  }

  if (/[?#]/.test(url)) {
    found.push(
      "HUB_WS_URL must have no query string (?...) or fragment (#...), " +
        `got ${quoteUrl(url)}`,
    );
  }

  return found;
}

function isWebSocketUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "ws:" || protocol === "wss:";
  } catch {
    return false;
  }
}

/**
 * The URL quoted for a problem line, its query string and fragment
 * replaced by `...`: they may hold an API key.
 */
function quoteUrl(value: string): string {
  const shown = value.replace(/\?[^#]*/, "?...").replace(/#.*/, "#...");
  return JSON.stringify(shown);
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

  return enablesAtomemo(namespaces);
}

/**
 * Whether a `debug`-style namespace list turns this library's log on: one
 * pattern covers `atomemo` or `atomemo:transporter`, and no `-` pattern
 * excludes either of them (an exclusion wins over an inclusion).
 */
function enablesAtomemo(namespaces: readonly string[]): boolean {
  const excluded = namespaces.filter((namespace) => namespace.startsWith("-"));
  const included = namespaces.filter((namespace) => !namespace.startsWith("-"));
  const covers = (pattern: string) =>
    ATOMEMO_NAMESPACES.some((name) => matchesNamespace(pattern, name));

  if (excluded.some((pattern) => covers(pattern.slice(1)))) return false;

  return included.some(covers);
}

/** `debug`'s matching: the whole name, `*` standing for any characters. */
function matchesNamespace(pattern: string, name: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/\*/g, ".*")}$`).test(name);
}
