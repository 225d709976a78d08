/**
 * What the Atomemo Hub does with events on a joined channel:
 * `register_plugin` (debug mode), answers to hub requests, `hub_call:<name>`
 * calls, and an echo reply for any other event so benches and tests get a
 * reply to their pushes.
 */
import type { Logger } from "pino";
import { defer, from, type Subscription } from "rxjs";
import type { ClientConnection } from "./connection.js";
import type { FaultSettings } from "./faults.js";
import { isBytes, type PhoenixMessage } from "./frame-codec.js";
import type { HubRequests } from "./hub-requests.js";
import { sendReply } from "./protocol.js";
import type { HubCallHandler } from "./types.js";

/** What the flows need from the hub. */
export interface AtomemoContext {
  logger: Logger;
  faults: FaultSettings;
  requests: HubRequests;
  hubCallHandler: HubCallHandler | undefined;
  registerPlugin(
    connection: ClientConnection,
    topic: string,
    def: unknown,
  ): void;
  /** Owns running hub calls so closing the hub cancels them. */
  hubCalls: Subscription;
}

const HUB_CALL_PREFIX = "hub_call:";
const REGISTER_ERROR =
  "register_plugin payload must be an object with a string name";

/**
 * Handles one event on a joined channel.
 *
 * @example
 * handleChannelEvent(context, connection, {
 *   joinRef: "1", ref: "2", topic: "debug_plugin:demo",
 *   event: "register_plugin", payload: { name: "demo" },
 * }); // → phx_reply ok, hub.plugins has the definition
 */
export function handleChannelEvent(
  context: AtomemoContext,
  connection: ClientConnection,
  message: PhoenixMessage,
): void {
  const { event } = message;

  if (event === "register_plugin") {
    registerPlugin(context, connection, message);
  } else if (event.startsWith(HUB_CALL_PREFIX)) {
    startHubCall(context, connection, message);
  } else if (isAnswerEvent(event)) {
    // Answers are settled here, never replied to: the plugin sent them
    // without waiting for a reply.
    context.requests.settle(connection, message);
  } else {
    // A Phoenix channel with no handle_in clause for the event would crash;
    // the test hub echoes it instead, so that tests and benchmarks can
    // push any event and get a reply. Logged, since a real hub would not.
    context.logger.debug({ topic: message.topic, event }, "event echoed");
    sendReply(context, connection, message, "ok", echoOf(message.payload));
  }
}

/**
 * True for events a plugin sends without expecting a `phx_reply`.
 *
 * @example
 * isAnswerEvent("invoke_tool_response"); // true
 */
export function isAnswerEvent(event: string): boolean {
  return (
    event.endsWith("_response") ||
    event.endsWith("_error") ||
    event === "unsupported_event"
  );
}

function registerPlugin(
  context: AtomemoContext,
  connection: ClientConnection,
  message: PhoenixMessage,
): void {
  const definition = message.payload as { name?: unknown } | null;
  const valid =
    typeof definition === "object" &&
    definition !== null &&
    !Array.isArray(definition) &&
    typeof definition.name === "string";

  if (!valid) {
    context.logger.warn(
      { connectionId: connection.id, topic: message.topic },
      REGISTER_ERROR,
    );
    sendReply(context, connection, message, "error", {
      reason: REGISTER_ERROR,
    });
    return;
  }

  context.registerPlugin(connection, message.topic, definition);
  context.logger.info(
    { topic: message.topic, name: definition.name },
    "plugin registered",
  );
  sendReply(context, connection, message, "ok", {});
}

function startHubCall(
  context: AtomemoContext,
  connection: ClientConnection,
  message: PhoenixMessage,
): void {
  const name = message.event.slice(HUB_CALL_PREFIX.length);
  const payload = message.payload as { request_id?: unknown; data?: unknown };
  const requestId = payload?.request_id;
  const log = { connectionId: connection.id, topic: message.topic, name };

  if (typeof requestId !== "string") {
    context.logger.warn(log, "hub call without a string request_id ignored");
    return;
  }

  const handler = context.hubCallHandler;
  const answer = (event: string, body: Record<string, unknown>) =>
    pushAnswer(context, connection, message, event, {
      request_id: requestId,
      ...body,
    });

  if (!handler) {
    answer("hub_call_error", {
      error: { code: "hub:no_handler", message: `No handler for ${name}` },
    });
    return;
  }

  const call = defer(() =>
    from(
      Promise.resolve(handler(name, payload.data, { topic: message.topic })),
    ),
  ).subscribe({
    next: (data) => answer("hub_call_response", { data: data ?? null }),
    error: (error: unknown) => {
      context.logger.info({ ...log, error: String(error) }, "hub call failed");
      answer("hub_call_error", { error: errorBody(error) });
    },
  });
  context.hubCalls.add(call);
}

function pushAnswer(
  context: AtomemoContext,
  connection: ClientConnection,
  call: PhoenixMessage,
  event: string,
  payload: Record<string, unknown>,
): void {
  const currentJoinRef = connection.channels.get(call.topic);
  if (currentJoinRef === undefined || currentJoinRef !== call.joinRef) {
    context.logger.warn(
      { connectionId: connection.id, topic: call.topic, event },
      "hub call answer dropped: the channel's join has ended",
    );
    return;
  }

  connection.send({
    joinRef: currentJoinRef,
    ref: null,
    topic: call.topic,
    event,
    payload,
  });
}

function errorBody(error: unknown): { code: string; message: string } {
  const { code, message } = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
  };
  return {
    code: typeof code === "string" ? code : "hub:handler_error",
    message: typeof message === "string" ? message : String(error),
  };
}

function echoOf(payload: unknown): unknown {
  // A JSON reply cannot carry bytes; the size shows what the hub received.
  return isBytes(payload) ? { byte_length: payload.byteLength } : payload;
}
