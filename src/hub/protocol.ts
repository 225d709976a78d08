/**
 * Phoenix.Socket's routing, as the hub plays it: heartbeats, joins, leaves,
 * unmatched topics and stale join_refs. Events on a joined channel go on to
 * the Atomemo flows.
 *
 * Stale join_refs: Phoenix.Socket ignores a `phx_leave` whose join_ref is
 * not the channel's current one (it already sent `phx_close` for the old
 * join) and hands any other event to the channel whatever its join_ref;
 * the channel answers with its own, current join_ref. The hub does the
 * same by default (option `staleJoinRef: "deliver"`) and marks such frames
 * `stale: true` in its recording, so a test can still catch a client that
 * sends them. `staleJoinRef: "unmatched"` is stricter than Phoenix: it
 * answers them with `unmatched topic`.
 */
import type { Logger } from "pino";
import type { ClientConnection } from "./connection.js";
import type { FaultSettings } from "./faults.js";
import type { PhoenixMessage } from "./frame-codec.js";
import type { JoinBehaviors } from "./join-behavior.js";

/** What the routing needs from the hub. */
export interface ProtocolContext {
  logger: Logger;
  faults: FaultSettings;
  joinBehaviors: JoinBehaviors;
  staleJoinRef: "unmatched" | "deliver";
  /** Forgets a join (plugin registration and pending requests with it). */
  endChannel(connection: ClientConnection, topic: string, reason: string): void;
  /** Handles an event on a joined channel. */
  onChannelEvent(connection: ClientConnection, message: PhoenixMessage): void;
}

/** The topic Phoenix reserves for socket-level messages (heartbeats). */
export const PHOENIX_TOPIC = "phoenix";

/**
 * Routes one decoded client message the way Phoenix.Socket does.
 *
 * @example
 * routeClientMessage(context, connection, {
 *   joinRef: "1", ref: "1", topic: "debug_plugin:demo",
 *   event: "phx_join", payload: {},
 * }); // → phx_reply ok, the channel is joined
 */
export function routeClientMessage(
  context: ProtocolContext,
  connection: ClientConnection,
  message: PhoenixMessage,
): void {
  if (isHeartbeat(message)) {
    answerHeartbeat(context, connection, message);
    return;
  }

  if (message.event === "phx_join") {
    handleJoin(context, connection, message);
    return;
  }

  const currentJoinRef = connection.channels.get(message.topic);
  if (currentJoinRef === undefined) {
    handleUnjoined(context, connection, message);
    return;
  }

  if (message.joinRef !== currentJoinRef) {
    handleStale(context, connection, message, currentJoinRef);
    return;
  }

  if (message.event === "phx_leave") {
    handleLeave(context, connection, message);
    return;
  }

  context.onChannelEvent(connection, message);
}

/**
 * Sends `phx_reply` for `message` (after the configured reply delay),
 * followed by `then` in the same batch so their order holds.
 *
 * @example
 * sendReply(context, connection, message, "ok", {});
 */
export function sendReply(
  context: Pick<ProtocolContext, "faults">,
  connection: ClientConnection,
  message: PhoenixMessage,
  status: "ok" | "error",
  response: unknown,
  then: PhoenixMessage[] = [],
): void {
  const reply: PhoenixMessage = {
    joinRef: message.joinRef,
    ref: message.ref,
    topic: message.topic,
    event: "phx_reply",
    payload: { status, response },
  };
  connection.sendAfter(context.faults.replyDelayMs, [reply, ...then]);
}

/**
 * The `phx_close` (or `phx_error`) frame Phoenix sends when a join ends:
 * join_ref and ref both carry the join's ref.
 *
 * @example
 * channelEndFrame("debug_plugin:x", "3", "phx_close");
 */
export function channelEndFrame(
  topic: string,
  joinRef: string,
  event: "phx_close" | "phx_error",
): PhoenixMessage {
  return { joinRef, ref: joinRef, topic, event, payload: {} };
}

/**
 * True when `message` is for a joined channel but carries a join_ref other
 * than the channel's current one. Heartbeats and joins are never stale.
 *
 * @example
 * // debug_plugin:x was joined with join_ref "3"
 * isStaleFrame(channels, { joinRef: "1", topic: "debug_plugin:x",
 *   event: "ping", ref: "4", payload: {} }); // true
 */
export function isStaleFrame(
  channels: ReadonlyMap<string, string>,
  message: PhoenixMessage,
): boolean {
  if (message.event === "phx_join" || isHeartbeat(message)) {
    return false;
  }

  const currentJoinRef = channels.get(message.topic);
  return currentJoinRef !== undefined && currentJoinRef !== message.joinRef;
}

function isHeartbeat(message: PhoenixMessage): boolean {
  return message.topic === PHOENIX_TOPIC && message.event === "heartbeat";
}

function answerHeartbeat(
  context: ProtocolContext,
  connection: ClientConnection,
  message: PhoenixMessage,
): void {
  if (!context.faults.heartbeatReplies) {
    context.logger.debug(
      { connectionId: connection.id, ref: message.ref },
      "heartbeat left unanswered (fault injection)",
    );
    return;
  }

  sendReply(context, connection, { ...message, joinRef: null }, "ok", {});
}

function handleJoin(
  context: ProtocolContext,
  connection: ClientConnection,
  message: PhoenixMessage,
): void {
  const { topic } = message;
  const joinRef = message.joinRef ?? message.ref ?? "";
  const closeOlder = closeExistingChannel(context, connection, topic);
  const behavior = context.joinBehaviors.behaviorFor(topic);
  const log = { connectionId: connection.id, topic, joinRef };

  if (behavior.kind === "ignore") {
    context.logger.info(log, "join ignored (join behavior)");
    for (const close of closeOlder) connection.send(close);
    return;
  }

  if (behavior.kind === "reject") {
    context.logger.info({ ...log, reason: behavior.reason }, "join rejected");
    const reason = { reason: behavior.reason };
    sendReply(context, connection, message, "error", reason, closeOlder);
    return;
  }

  connection.channels.set(topic, joinRef);
  context.logger.info(log, "channel joined");
  const response = behavior.response ?? {};
  sendReply(context, connection, message, "ok", response, closeOlder);
}

/**
 * Ends the channel a second join replaces and returns its `phx_close`.
 * Phoenix shuts the old channel down before it handles the new join, but
 * queues the old channel's `phx_close` behind the new join's reply, so
 * that is the order on the wire.
 */
function closeExistingChannel(
  context: ProtocolContext,
  connection: ClientConnection,
  topic: string,
): PhoenixMessage[] {
  const previousJoinRef = connection.channels.get(topic);
  if (previousJoinRef === undefined) {
    return [];
  }

  context.logger.debug(
    { connectionId: connection.id, topic, previousJoinRef },
    "duplicate join: closing the existing channel",
  );
  context.endChannel(connection, topic, "duplicate join");
  return [channelEndFrame(topic, previousJoinRef, "phx_close")];
}

function handleLeave(
  context: ProtocolContext,
  connection: ClientConnection,
  message: PhoenixMessage,
): void {
  const joinRef = connection.channels.get(message.topic) ?? "";

  context.endChannel(connection, message.topic, "left");
  context.logger.info(
    { connectionId: connection.id, topic: message.topic },
    "channel left",
  );

  const close = channelEndFrame(message.topic, joinRef, "phx_close");
  sendReply(context, connection, message, "ok", {}, [close]);
}

function handleUnjoined(
  context: ProtocolContext,
  connection: ClientConnection,
  message: PhoenixMessage,
): void {
  if (message.event === "phx_leave") {
    // Phoenix acknowledges leaving a channel that is already gone.
    sendReply(context, connection, message, "ok", {});
    return;
  }

  replyUnmatched(context, connection, message, "topic not joined");
}

function handleStale(
  context: ProtocolContext,
  connection: ClientConnection,
  message: PhoenixMessage,
  currentJoinRef: string,
): void {
  const log = {
    connectionId: connection.id,
    topic: message.topic,
    event: message.event,
    joinRef: message.joinRef,
    currentJoinRef,
  };

  if (message.event === "phx_leave") {
    context.logger.debug(log, "stale phx_leave ignored");
    return;
  }

  if (context.staleJoinRef === "deliver") {
    // The channel answers with its own join_ref, as a Phoenix channel does.
    context.logger.debug(log, "stale join_ref delivered to the channel");
    context.onChannelEvent(connection, { ...message, joinRef: currentJoinRef });
    return;
  }

  replyUnmatched(context, connection, message, "stale join_ref");
}

function replyUnmatched(
  context: ProtocolContext,
  connection: ClientConnection,
  message: PhoenixMessage,
  why: string,
): void {
  context.logger.warn(
    {
      connectionId: connection.id,
      topic: message.topic,
      event: message.event,
      joinRef: message.joinRef,
    },
    `unmatched topic (${why})`,
  );

  const unjoined = { ...message, joinRef: null };
  sendReply(context, connection, unjoined, "error", {
    reason: "unmatched topic",
  });
}
