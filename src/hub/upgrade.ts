import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** The one serializer version the hub speaks. */
export const SUPPORTED_VSN = "2.0.0";

const SOCKET_PATH = /^\/([a-z0-9_]+)_socket\/websocket\/?$/;

/** What to do with one upgrade request. */
export type UpgradeDecision =
  | { accept: true; mode: string; params: Record<string, string> }
  | { accept: false; status: number; message: string };

/** The settings an upgrade is checked against. */
export interface UpgradePolicy {
  /** Keys accepted on debug sockets; `null` accepts any key or none. */
  apiKeys: ReadonlySet<string> | null;
  /** When set, every upgrade is answered with this status. */
  refusedStatus: number | null;
}

/**
 * Decides whether an upgrade request may become a socket: the path must be
 * `/<mode>_socket/websocket` (else 404), `vsn` must be 2.0.0 (else 403),
 * and a debug socket must carry an accepted `api_key` when keys are
 * configured (else 403).
 *
 * @example
 * decideUpgrade(request, { apiKeys: new Set(["k"]), refusedStatus: null });
 * // → { accept: false, status: 403, message: "invalid api_key" }
 */
export function decideUpgrade(
  request: IncomingMessage,
  policy: UpgradePolicy,
): UpgradeDecision {
  if (policy.refusedStatus !== null) {
    return refuse(policy.refusedStatus, "upgrades are refused by the hub");
  }

  const url = new URL(request.url ?? "/", "http://hub.invalid");
  const mode = socketMode(url.pathname);
  if (mode === null) {
    return refuse(404, `no socket at ${url.pathname}`);
  }

  // Phoenix refuses a serializer version it cannot serve the way it refuses
  // a failed connect/3: with 403.
  const params = Object.fromEntries(url.searchParams);
  if (params.vsn !== SUPPORTED_VSN) {
    return refuse(403, `unsupported vsn ${String(params.vsn)}`);
  }

  if (mode === "debug" && !isKeyAccepted(params.api_key, policy.apiKeys)) {
    return refuse(403, "invalid or missing api_key");
  }

  return { accept: true, mode, params };
}

/**
 * The `<mode>` of a `/<mode>_socket/websocket` path, or `null`.
 *
 * @example
 * socketMode("/debug_socket/websocket"); // "debug"
 */
export function socketMode(pathname: string): string | null {
  return SOCKET_PATH.exec(pathname)?.[1] ?? null;
}

/**
 * Answers an upgrade with a plain HTTP/1.1 response and closes the socket.
 *
 * @example
 * rejectUpgrade(socket, 403, "invalid api_key");
 */
export function rejectUpgrade(
  socket: Duplex,
  status: number,
  message: string,
): void {
  const body = `${message}\n`;
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Refused"}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];

  socket.once("finish", () => socket.destroy());
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
}

/**
 * Params safe to log: `api_key` replaced by `***`.
 *
 * @example
 * maskParams({ api_key: "secret", vsn: "2.0.0" });
 * // → { api_key: "***", vsn: "2.0.0" }
 */
export function maskParams(
  params: Record<string, string>,
): Record<string, string> {
  if (params.api_key === undefined) {
    return params;
  }
  return { ...params, api_key: "***" };
}

function isKeyAccepted(
  key: string | undefined,
  apiKeys: ReadonlySet<string> | null,
): boolean {
  if (apiKeys === null) {
    return true;
  }
  return key !== undefined && apiKeys.has(key);
}

function refuse(status: number, message: string): UpgradeDecision {
  return { accept: false, status, message };
}
