/**
 * The URL a socket connects to: the endpoint, Phoenix's `/websocket`
 * suffix, the serializer version and the connect params.
 */

/** Connect params, sent as the query string of the upgrade request. */
export type ConnectParams = Readonly<Record<string, string | number | boolean>>;

/** The serializer version this library speaks. */
export const PROTOCOL_VERSION = "2.0.0";

const SECRET_PARAM = /key|token|secret|password/i;

/**
 * Builds the URL of one connection attempt.
 *
 * @example
 * ```ts
 * endpointUrl("ws://127.0.0.1:4000/debug_socket", { api_key: "k" });
 * // "ws://127.0.0.1:4000/debug_socket/websocket?vsn=2.0.0&api_key=k"
 * ```
 */
export function endpointUrl(endpoint: string, params: ConnectParams): string {
  const url = new URL(withWebSocketSuffix(endpoint));
  url.searchParams.set("vsn", PROTOCOL_VERSION);
  for (const [name, value] of Object.entries(params)) {
    url.searchParams.set(name, String(value));
  }

  return url.toString();
}

/**
 * The same URL with the value of every param whose name suggests a secret
 * (key, token, secret, password) masked, for logs and error messages.
 *
 * @example
 * ```ts
 * maskUrl("ws://h/debug_socket/websocket?vsn=2.0.0&api_key=abc");
 * // "ws://h/debug_socket/websocket?vsn=2.0.0&api_key=***"
 * ```
 */
export function maskUrl(url: string): string {
  const parsed = new URL(url);
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, "***");
  }

  return parsed.toString().replaceAll("%2A%2A%2A", "***");
}

/**
 * Checks an endpoint when the options are read.
 *
 * @throws {TypeError} when it is not a ws:// or wss:// URL.
 * @example
 * ```ts
 * assertEndpoint("http://example.com"); // TypeError
 * ```
 */
export function assertEndpoint(endpoint: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(endpoint).protocol;
  } catch {
    protocol = undefined;
  }

  if (protocol !== "ws:" && protocol !== "wss:") {
    throw new TypeError(
      `url must be a ws:// or wss:// URL, got ${JSON.stringify(endpoint)}`,
    );
  }
}

function withWebSocketSuffix(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, "");

  return trimmed.endsWith("/websocket") ? trimmed : `${trimmed}/websocket`;
}
