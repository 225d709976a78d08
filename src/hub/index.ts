/**
 * The Atomemo test hub: a Phoenix Channels server (serializer v2) on `ws`
 * that behaves like the Atomemo Hub, for tests, offline development and
 * demos. It shares no code with the client it tests.
 *
 * @example
 * import { startHub } from "atomemo-transporter/hub";
 *
 * const hub = await startHub();
 * // connect a client to `${hub.url}/debug_socket/websocket?vsn=2.0.0`
 * await hub.close();
 *
 * @packageDocumentation
 */

export {
  HubArgumentError,
  HubChannelClosedError,
  HubClosedError,
  HubError,
  HubRequestTimeoutError,
  HubTopicNotJoinedError,
  HubWaitTimeoutError,
} from "./errors.js";
export { startHub, startHubWithHttp } from "./hub.js";
export { DEFAULT_HOST, DEFAULT_REQUEST_TIMEOUT_MS } from "./hub-options.js";
export { formatLogLine, readableDestination } from "./log-format.js";
export type {
  HubCallContext,
  HubCallHandler,
  HubConnection,
  HubOptions,
  HubRequestEvent,
  HubRequestOptions,
  HubRequestResult,
  JoinBehavior,
  RecordedFrame,
  TestHub,
} from "./types.js";
