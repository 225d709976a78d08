/**
 * atomemo-transporter: the Phoenix Channels transport between an Atomemo
 * plugin process and the Atomemo Hub, modelled as RxJS observables.
 *
 * @example
 * ```ts
 * import { PhoenixSocket } from "atomemo-transporter";
 *
 * const socket = new PhoenixSocket({ url: "ws://127.0.0.1:4000/debug_socket" });
 * socket.state$.subscribe((state) => console.log(state));
 * socket.connect();
 * ```
 *
 * @packageDocumentation
 */
export * from "./errors.js";
export {
  DEFAULT_RECONNECT_STEPS_MS,
  DEFAULT_REJOIN_STEPS_MS,
  fullJitter,
  stepDelay,
} from "./streams/backoff.js";
export { decodeFrame, encodeMessage, type Frame } from "./streams/codec.js";
export {
  type ConnectParams,
  endpointUrl,
  maskUrl,
  PROTOCOL_VERSION,
} from "./streams/endpoint.js";
export type { HeartbeatEvent } from "./streams/heartbeat.js";
export { type Logger, silentLogger } from "./streams/logger.js";
export {
  PHOENIX_TOPIC,
  PhoenixEvent,
  type PhoenixMessage,
  type ReplyPayload,
} from "./streams/message.js";
export {
  type LifecycleEvent,
  type OutboundMessage,
  PhoenixSocket,
  type SocketOptions,
  type SocketState,
} from "./streams/socket.js";
export type {
  CloseInfo,
  WebSocketConstructor,
  WebSocketLike,
} from "./streams/websocket.js";
