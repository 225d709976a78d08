/**
 * Base class of every error the test hub throws; `code` is stable.
 *
 * @example
 * try { hub.push("nope", "x", {}); } catch (error) {
 *   if (error instanceof HubError) console.log(error.code);
 * }
 */
export class HubError extends Error {
  /** Stable machine-readable code, e.g. `"hub:request_timeout"`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The hub was asked to send to a topic that no connection has joined.
 *
 * @example
 * hub.push("debug_plugin:absent", "x", {}); // throws HubTopicNotJoinedError
 */
export class HubTopicNotJoinedError extends HubError {
  /** The topic no connection has joined. */
  readonly topic: string;

  constructor(topic: string, action: string) {
    super(
      "hub:topic_not_joined",
      `Cannot ${action} on ${topic}: no connection has joined it`,
    );
    this.topic = topic;
  }
}

/**
 * A hub → plugin request got no answer in time.
 *
 * @example
 * await hub.request(topic, "invoke_tool", {}, { timeoutMs: 50 });
 * // rejects: "Timeout after 50 ms waiting for invoke_tool_response ..."
 */
export class HubRequestTimeoutError extends HubError {
  /** The channel topic the request was sent on. */
  readonly topic: string;
  /** The request event, e.g. `"invoke_tool"`. */
  readonly event: string;
  /** The `request_id` the hub sent with the request. */
  readonly requestId: string;
  /** How long the hub waited for the answer, in ms. */
  readonly timeoutMs: number;

  constructor(info: RequestInfo & { timeoutMs: number }) {
    super(
      "hub:request_timeout",
      `Timeout after ${info.timeoutMs} ms waiting for ${info.event}_response` +
        ` (request_id ${info.requestId}) on ${info.topic}`,
    );
    this.topic = info.topic;
    this.event = info.event;
    this.requestId = info.requestId;
    this.timeoutMs = info.timeoutMs;
  }
}

/**
 * The channel a request was waiting on ended (leave, crash, disconnect or
 * hub shutdown) before the plugin answered.
 *
 * @example
 * const pending = hub.request(topic, "invoke_tool", {});
 * hub.dropConnections(); // pending rejects with HubChannelClosedError
 */
export class HubChannelClosedError extends HubError {
  /** The channel topic that closed. */
  readonly topic: string;
  /** The unanswered request event, e.g. `"invoke_tool"`. */
  readonly event: string;
  /** The `request_id` of the unanswered request. */
  readonly requestId: string;

  constructor(info: RequestInfo & { reason: string }) {
    super(
      "hub:channel_closed",
      `Channel ${info.topic} closed (${info.reason}) before ${info.event}` +
        ` (request_id ${info.requestId}) was answered`,
    );
    this.topic = info.topic;
    this.event = info.event;
    this.requestId = info.requestId;
  }
}

/**
 * `waitForFrame` saw no matching frame in time, or the hub closed first.
 *
 * @example
 * await hub.waitForFrame((f) => f.event === "never", 100); // rejects
 */
export class HubWaitTimeoutError extends HubError {
  /** How long `waitForFrame` was allowed to wait, in ms. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, closed: boolean) {
    super(
      "hub:wait_timeout",
      closed
        ? "Hub closed before a matching frame was recorded"
        : `No matching frame recorded within ${timeoutMs} ms`,
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A method was called with an argument the hub cannot use.
 *
 * @example
 * hub.sendRaw("x", "conn-999"); // throws HubArgumentError
 */
export class HubArgumentError extends HubError {
  constructor(message: string) {
    super("hub:invalid_argument", message);
  }
}

/**
 * The hub is closed (or stopped) and cannot do what was asked.
 *
 * @example
 * await hub.close();
 * await hub.restart(); // throws HubClosedError
 */
export class HubClosedError extends HubError {
  constructor(action: string) {
    super("hub:closed", `Cannot ${action}: the hub is closed`);
  }
}

interface RequestInfo {
  topic: string;
  event: string;
  requestId: string;
}
