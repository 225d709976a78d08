/**
 * A decoded Phoenix message, shaped as phoenix.js shapes it so that code
 * written for phoenix.js reads it unchanged.
 *
 * @example
 * ```ts
 * const join: PhoenixMessage = {
 *   join_ref: "1",
 *   ref: "1",
 *   topic: "debug_plugin:demo",
 *   event: "phx_join",
 *   payload: {},
 * };
 * ```
 */
export interface PhoenixMessage<Payload = unknown> {
  /** The ref of the join this message belongs to; null for broadcasts. */
  join_ref: string | null;
  /** The ref a reply answers; null for server pushes and broadcasts. */
  ref: string | null;
  topic: string;
  event: string;
  payload: Payload;
}

/**
 * The payload of a `phx_reply`.
 *
 * @example
 * ```ts
 * const reply: ReplyPayload = { status: "ok", response: {} };
 * ```
 */
export interface ReplyPayload<Response = unknown> {
  status: string;
  response: Response;
}

/**
 * The event names the Phoenix protocol reserves.
 *
 * @example
 * ```ts
 * if (message.event === PhoenixEvent.reply) handleReply(message);
 * ```
 */
export const PhoenixEvent = {
  join: "phx_join",
  leave: "phx_leave",
  reply: "phx_reply",
  error: "phx_error",
  close: "phx_close",
  heartbeat: "heartbeat",
} as const;

/**
 * The topic that carries heartbeats and their replies.
 *
 * @example
 * ```ts
 * socket.topic(PHOENIX_TOPIC).subscribe(console.log);
 * ```
 */
export const PHOENIX_TOPIC = "phoenix";
