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

export {
  Channel,
  type EventCallback,
  type LeavePush,
} from "./compat/channel.js";
export { Push, type PushStatus, type ReceiveCallback } from "./compat/push.js";
export {
  ENVIRONMENT_VARIABLES,
  type HubEnvironment,
  readHubEnvironment,
} from "./config/environment.js";
export * from "./errors.js";
export { createLogger, type LineSink } from "./logging/create-logger.js";
export { formatLogLine } from "./logging/log-line.js";
export {
  DEFAULT_RECONNECT_STEPS_MS,
  DEFAULT_REJOIN_STEPS_MS,
  fullJitter,
  stepDelay,
} from "./streams/backoff.js";
export {
  type ChannelOptions,
  type ChannelState,
  type JoinedEvent,
  type LeaveOutcome,
  PhoenixChannel,
} from "./streams/channel.js";
export { ChannelRegistry } from "./streams/channel-registry.js";
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
export type { MessageSink } from "./streams/message-router.js";
export type { OutboundPush } from "./streams/outbound-push.js";
export {
  type ConnectionWatcher,
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
export {
  type Connection,
  createTransporter,
  type Transporter,
  type TransporterOptions,
} from "./transporter.js";
