/**
 * The errors this library raises. Each has a stable `code` to branch on, a
 * message that states what happened and where (topic, event, status,
 * timeout), and a `cause` where an underlying error exists.
 *
 * @example
 * ```ts
 * import { AuthenticationError } from "atomemo-transporter";
 *
 * socket.errors$.subscribe((error) => {
 *   if (error instanceof AuthenticationError) console.log(error.status);
 * });
 * // 403
 * ```
 */

/** Every stable error code of this library. */
export type TransporterErrorCode =
  | "ERR_FRAME_DECODE"
  | "ERR_CONNECTION"
  | "ERR_AUTHENTICATION"
  | "ERR_HEARTBEAT_TIMEOUT"
  | "ERR_SOCKET_NOT_OPEN"
  | "ERR_CALLBACK"
  | "ERR_CONFIGURATION"
  | "ERR_JOIN"
  | "ERR_JOIN_TIMEOUT"
  | "ERR_PUSH"
  | "ERR_PUSH_TIMEOUT"
  | "ERR_REPLY_LOST"
  | "ERR_BUFFER_OVERFLOW"
  | "ERR_CHANNEL_CLOSED"
  | "ERR_DISPOSED";

/**
 * The base class of every error raised by this library.
 *
 * @example
 * ```ts
 * if (error instanceof TransporterError) console.log(error.code);
 * // "ERR_CONNECTION"
 * ```
 */
export class TransporterError extends Error {
  readonly code: TransporterErrorCode;

  constructor(
    code: TransporterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A frame from the server that is not a Phoenix v2 message. The socket
 * reports it on `errors$`, drops the frame and stays connected.
 *
 * @example
 * ```ts
 * new FrameDecodeError("expected an array of 5 elements", "[1,2]");
 * // FrameDecodeError: Malformed frame dropped: expected an array of
 * // 5 elements (frame: [1,2])
 * ```
 */
export class FrameDecodeError extends TransporterError {
  /** The start of the offending frame, for the log (at most 200 chars). */
  readonly frame: string;

  constructor(reason: string, frame: string, options?: { cause?: unknown }) {
    super(
      "ERR_FRAME_DECODE",
      `Malformed frame dropped: ${reason} (frame: ${frame})`,
      options,
    );
    this.frame = frame;
  }
}

/**
 * A connection attempt failed, or an open connection closed without the
 * client asking. The socket reconnects after either.
 *
 * @example
 * ```ts
 * new ConnectionError("closed by the server", { code: 1001 });
 * // ConnectionError: WebSocket closed by the server (code 1001)
 * ```
 */
export class ConnectionError extends TransporterError {
  /** The HTTP status of a refused upgrade, when there was one. */
  readonly status: number | undefined;
  /** The WebSocket close code, when the connection had opened. */
  readonly closeCode: number | undefined;
  /** The WebSocket close reason, when the connection had opened. */
  readonly closeReason: string | undefined;

  constructor(
    what: string,
    details: {
      status?: number;
      code?: number;
      reason?: string;
      cause?: unknown;
    } = {},
  ) {
    super("ERR_CONNECTION", `WebSocket ${what}${describe(details)}`, {
      cause: details.cause,
    });
    this.status = details.status;
    this.closeCode = details.code;
    this.closeReason = details.reason;
  }
}

/**
 * The server refused the WebSocket upgrade with 401 or 403: the API key is
 * wrong or missing. The socket does not reconnect after it.
 *
 * @example
 * ```ts
 * new AuthenticationError(403, "ws://127.0.0.1:4000/debug_socket");
 * // AuthenticationError: Authentication refused by ws://127.0.0.1:4000/
 * // debug_socket: HTTP 403
 * ```
 */
export class AuthenticationError extends TransporterError {
  /** The HTTP status the server answered the upgrade with. */
  readonly status: number;

  constructor(status: number, endpoint: string) {
    super(
      "ERR_AUTHENTICATION",
      `Authentication refused by ${endpoint}: HTTP ${status}`,
    );
    this.status = status;
  }
}

/**
 * No reply came to a heartbeat in time. The socket closes the connection
 * with code 1000 and reason `heartbeat timeout`, then reconnects.
 *
 * @example
 * ```ts
 * new HeartbeatTimeoutError("12", 30_000);
 * // HeartbeatTimeoutError: No reply to heartbeat 12 within 30000 ms
 * ```
 */
export class HeartbeatTimeoutError extends TransporterError {
  /** The ref of the heartbeat that went unanswered. */
  readonly ref: string;
  /** How long the socket waited, in milliseconds. */
  readonly timeoutMs: number;

  constructor(ref: string, timeoutMs: number) {
    super(
      "ERR_HEARTBEAT_TIMEOUT",
      `No reply to heartbeat ${ref} within ${timeoutMs} ms`,
    );
    this.ref = ref;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * `send` was called while the socket had no open connection.
 *
 * @example
 * ```ts
 * new SocketNotOpenError("phx_join", "room:1", "connecting");
 * // SocketNotOpenError: Cannot send phx_join on room:1: the socket is
 * // connecting, not open
 * ```
 */
export class SocketNotOpenError extends TransporterError {
  constructor(event: string, topic: string, state: string) {
    super(
      "ERR_SOCKET_NOT_OPEN",
      `Cannot send ${event} on ${topic}: the socket is ${state}, not open`,
    );
  }
}

/**
 * A callback supplied by user code threw. The error is reported and the
 * stream that called it goes on.
 *
 * @example
 * ```ts
 * new CallbackError("onMessage", new Error("boom"));
 * // CallbackError: The onMessage callback threw: boom
 * ```
 */
export class CallbackError extends TransporterError {
  /** Which callback threw. */
  readonly callback: string;

  constructor(callback: string, cause: unknown) {
    super("ERR_CALLBACK", `The ${callback} callback threw: ${text(cause)}`, {
      cause,
    });
    this.callback = callback;
  }
}

/**
 * Options or environment variables that cannot work. Raised before
 * anything connects.
 *
 * @example
 * ```ts
 * new ConfigurationError(["HUB_WS_URL is not set"]);
 * // ConfigurationError: Invalid configuration:
 * //   - HUB_WS_URL is not set
 * ```
 */
export class ConfigurationError extends TransporterError {
  /** One line per problem found. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const lines = problems.map((problem) => `  - ${problem}`).join("\n");
    super("ERR_CONFIGURATION", `Invalid configuration:\n${lines}`);
    this.problems = problems;
  }
}

/**
 * The server answered a join with an error. The message is the one the
 * Atomemo SDK has always shown: `Failed to join <topic>: <reason>`.
 *
 * @example
 * ```ts
 * new JoinError("debug_plugin:demo", { reason: "unauthorized" });
 * // JoinError: Failed to join debug_plugin:demo: unauthorized
 * ```
 */
export class JoinError extends TransporterError {
  readonly topic: string;
  /** The server's response, usually `{ reason }`. */
  readonly response: unknown;

  constructor(topic: string, response: unknown) {
    super("ERR_JOIN", `Failed to join ${topic}: ${reasonOf(response)}`);
    this.topic = topic;
    this.response = response;
  }
}

/**
 * No answer to a join came in time (the socket may not even have opened).
 * The message is the SDK's: `Timeout while joining <topic>`.
 *
 * @example
 * ```ts
 * new JoinTimeoutError("debug_plugin:demo", 10_000);
 * // JoinTimeoutError: Timeout while joining debug_plugin:demo
 * ```
 */
export class JoinTimeoutError extends TransporterError {
  readonly topic: string;
  readonly timeoutMs: number;

  constructor(topic: string, timeoutMs: number) {
    super("ERR_JOIN_TIMEOUT", `Timeout while joining ${topic}`);
    this.topic = topic;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The server answered a push with status `error`.
 *
 * @example
 * ```ts
 * new PushError("room:1", "new_msg", { reason: "too long" });
 * // PushError: Push new_msg on room:1 failed: too long
 * ```
 */
export class PushError extends TransporterError {
  readonly topic: string;
  readonly event: string;
  /** The server's response to the push. */
  readonly response: unknown;

  constructor(topic: string, event: string, response: unknown) {
    super(
      "ERR_PUSH",
      `Push ${event} on ${topic} failed: ${reasonOf(response)}`,
    );
    this.topic = topic;
    this.event = event;
    this.response = response;
  }
}

/**
 * A push got no reply within its timeout, counted from the call (time
 * spent waiting in the buffer included).
 *
 * @example
 * ```ts
 * new PushTimeoutError("room:1", "new_msg", 10_000);
 * // PushTimeoutError: No reply to new_msg on room:1 within 10000 ms
 * ```
 */
export class PushTimeoutError extends TransporterError {
  readonly topic: string;
  readonly event: string;
  readonly timeoutMs: number;

  constructor(topic: string, event: string, timeoutMs: number) {
    super(
      "ERR_PUSH_TIMEOUT",
      `No reply to ${event} on ${topic} within ${timeoutMs} ms`,
    );
    this.topic = topic;
    this.event = event;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A push reached the server, but its channel was lost (the connection
 * dropped, or the channel crashed) before the reply came: no reply will
 * come. Whether the server acted on the push is unknown, so it is not sent
 * again.
 *
 * @example
 * ```ts
 * new ReplyLostError("room:1", "new_msg");
 * // ReplyLostError: The channel room:1 was lost before new_msg got its
 * // reply
 * ```
 */
export class ReplyLostError extends TransporterError {
  readonly topic: string;
  readonly event: string;

  constructor(topic: string, event: string) {
    super(
      "ERR_REPLY_LOST",
      `The channel ${topic} was lost before ${event} got its reply`,
    );
    this.topic = topic;
    this.event = event;
  }
}

/**
 * A push was made while the channel was not joined and its buffer was
 * full. The new push is refused; those already waiting keep their place.
 *
 * @example
 * ```ts
 * new BufferOverflowError("room:1", "new_msg", 100);
 * // BufferOverflowError: Push new_msg on room:1 refused: 100 pushes
 * // already wait for the channel to join
 * ```
 */
export class BufferOverflowError extends TransporterError {
  readonly topic: string;
  readonly event: string;
  readonly capacity: number;

  constructor(topic: string, event: string, capacity: number) {
    super(
      "ERR_BUFFER_OVERFLOW",
      `Push ${event} on ${topic} refused: ${capacity} pushes already wait ` +
        "for the channel to join",
    );
    this.topic = topic;
    this.event = event;
    this.capacity = capacity;
  }
}

/**
 * A push on a channel that was left or closed by the server, or a buffered
 * push whose channel closed before it could be sent.
 *
 * @example
 * ```ts
 * new ChannelClosedError("room:1", "new_msg");
 * // ChannelClosedError: Cannot push new_msg on room:1: the channel is
 * // closed
 * ```
 */
export class ChannelClosedError extends TransporterError {
  readonly topic: string;
  readonly event: string;

  constructor(topic: string, event: string) {
    super(
      "ERR_CHANNEL_CLOSED",
      `Cannot push ${event} on ${topic}: the channel is closed`,
    );
    this.topic = topic;
    this.event = event;
  }
}

/**
 * `connect` was called once `dispose` had started, or `dispose` started
 * while the join was under way. Nothing was connected for it.
 *
 * @example
 * ```ts
 * new TransporterDisposedError("debug_plugin:demo");
 * // TransporterDisposedError: Transporter disposed: cannot connect
 * // debug_plugin:demo
 * ```
 */
export class TransporterDisposedError extends TransporterError {
  /** The topic that was not connected. */
  readonly topic: string;

  constructor(topic: string) {
    super("ERR_DISPOSED", `Transporter disposed: cannot connect ${topic}`);
    this.topic = topic;
  }
}

/** The `reason` of a `{ reason }` response, or the response as JSON. */
function reasonOf(response: unknown): string {
  if (typeof response === "object" && response !== null) {
    const reason = (response as { reason?: unknown }).reason;
    if (typeof reason === "string") return reason;
  }
  if (typeof response === "string") return response;

  return JSON.stringify(response) ?? String(response);
}

function describe(details: {
  status?: number;
  code?: number;
  reason?: string;
}): string {
  const parts: string[] = [];
  if (details.status !== undefined) parts.push(`HTTP ${details.status}`);
  if (details.code !== undefined) parts.push(`code ${details.code}`);
  if (details.reason) parts.push(`reason "${details.reason}"`);

  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

function text(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
