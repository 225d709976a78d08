import type { Logger } from "pino";
import type { Observable } from "rxjs";

/**
 * The requests the hub sends to a plugin. Each carries a `request_id`; the
 * plugin answers with `<event>_response` or `<event>_error`.
 *
 * @example
 * const event: HubRequestEvent = "invoke_tool";
 */
export type HubRequestEvent =
  | "invoke_tool"
  | "locator_list"
  | "resource_mapping"
  | "credential_auth_spec"
  | "oauth2_build_authorize_url"
  | "oauth2_get_token"
  | "oauth2_refresh_token";

/**
 * How the plugin settled a hub request: `{ ok: true, data }` for
 * `<event>_response`, `{ ok: false, error }` for `<event>_error` and for
 * `unsupported_event`.
 *
 * @example
 * const result = await hub.request("debug_plugin:demo", "invoke_tool", {});
 * if (result.ok) console.log(result.data);
 */
export type HubRequestResult =
  | { ok: true; data: unknown }
  | { ok: false; error: unknown };

/**
 * Options of one hub request.
 *
 * @example
 * await hub.request(topic, "locator_list", {}, { timeoutMs: 500 });
 */
export interface HubRequestOptions {
  /** How long to wait for the answer. Default: the hub's `requestTimeoutMs`. */
  timeoutMs?: number;
}

/**
 * What the hub does when a client joins a topic. Default: `accept` with an
 * empty response.
 *
 * @example
 * hub.setJoinBehavior(/^debug_plugin:/, { kind: "reject", reason: "nope" });
 */
export type JoinBehavior =
  | { kind: "accept"; response?: unknown }
  | { kind: "reject"; reason: string }
  | { kind: "ignore" };

/**
 * The context a hub call handler gets.
 *
 * @example
 * const handler: HubCallHandler = (_name, _data, { topic }) => ({ topic });
 */
export interface HubCallContext {
  /** The channel topic the call came in on. */
  topic: string;
}

/**
 * Answers `hub_call:<name>` pushes. The return value (or resolved value)
 * becomes the `hub_call_response` data; a throw or rejection becomes a
 * `hub_call_error` with the error's `code` (default `"hub:handler_error"`)
 * and `message`.
 *
 * @example
 * const handler: HubCallHandler = (name, data) => ({ name, echoed: data });
 */
export type HubCallHandler = (
  name: string,
  data: unknown,
  context: HubCallContext,
) => unknown | Promise<unknown>;

/**
 * Options of {@link startHub}.
 *
 * @example
 * const hub = await startHub({ apiKeys: "secret", requestTimeoutMs: 2_000 });
 */
export interface HubOptions {
  /** Interface to listen on. Default `"127.0.0.1"`. */
  host?: string;
  /** Port to listen on. Default `0` (a free port). */
  port?: number;
  /**
   * API keys accepted on `debug` sockets (query param `api_key`). Default:
   * none configured, so any key, or no key, is accepted.
   */
  apiKeys?: string | string[];
  /** Timeout of hub → plugin requests. Default `10_000` ms. */
  requestTimeoutMs?: number;
  /** Answers `hub_call:<name>`. Default: none (calls get `hub:no_handler`). */
  hubCallHandler?: HubCallHandler;
  /** Where the hub logs. Default: silent. */
  logger?: Logger | false;
  /**
   * Largest accepted WebSocket message; a larger one closes the connection
   * with code 1009. Default: ws's limit of 100 MiB.
   */
  maxFrameBytes?: number;
  /**
   * Serve the HTTP API (`GET /plugins`, `POST /invoke`) on the same port.
   * Default `false`.
   */
  httpApi?: boolean;
  /**
   * What to do with a frame whose join_ref is not the channel's current one
   * (a stale `phx_leave` is ignored either way, as Phoenix does).
   * `"deliver"` (default) handles it as Phoenix.Socket does: the channel
   * gets it and answers with its current join_ref. `"unmatched"` is
   * stricter than Phoenix and answers `unmatched topic`. Either way the
   * frame is recorded with `stale: true`.
   */
  staleJoinRef?: "unmatched" | "deliver";
}

/**
 * One frame the hub saw or sent. Frames that could not be decoded keep their
 * text (or hex bytes) in `raw` and the reason in `error`.
 *
 * @example
 * const reply = await hub.waitForFrame((f) => f.event === "phx_reply");
 */
export interface RecordedFrame {
  direction: "in" | "out";
  connectionId: string;
  binary: boolean;
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
  raw?: string;
  /** Why an inbound frame could not be decoded (only on malformed frames). */
  error?: string;
  /**
   * `true` on an inbound frame for a joined channel whose join_ref is not
   * the channel's current one; absent otherwise.
   */
  stale?: true;
}

/**
 * A snapshot of one client connection.
 *
 * @example
 * const [first] = hub.connections;
 * console.log(first?.mode, first?.topics);
 */
export interface HubConnection {
  readonly id: string;
  /** The `<mode>` of `/<mode>_socket/websocket`. */
  readonly mode: string;
  /** The raw query params of the upgrade request (api_key included). */
  readonly params: Readonly<Record<string, string>>;
  /** Topics currently joined on this connection. */
  readonly topics: readonly string[];
}

/**
 * A running test hub. See {@link startHub}.
 *
 * @example
 * const hub = await startHub();
 * await hub.waitForFrame((f) => f.event === "phx_join");
 * await hub.close();
 */
export interface TestHub {
  /** Base URL, e.g. `ws://127.0.0.1:43123` (clients append the path). */
  readonly url: string;
  readonly port: number;

  /** Every frame in and out, in order (until {@link clearFrames}). */
  readonly frames: readonly RecordedFrame[];
  /** Every frame from now on; completes when the hub closes. */
  readonly frames$: Observable<RecordedFrame>;
  /**
   * The first recorded frame (already recorded ones first) that matches.
   * Rejects with `HubWaitTimeoutError` after `timeoutMs` (default 5_000).
   */
  waitForFrame(
    predicate: (frame: RecordedFrame) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedFrame>;
  clearFrames(): void;

  readonly connections: ReadonlyArray<HubConnection>;
  /** Joined topic → definition pushed with `register_plugin`. */
  readonly plugins: ReadonlyMap<string, unknown>;
  /** Latest matching rule wins; unmatched topics are accepted. */
  setJoinBehavior(topic: string | RegExp, behavior: JoinBehavior): void;

  /**
   * Sends `<event> {request_id, data}` to the joined channel and resolves
   * with the plugin's answer. Rejects with `HubRequestTimeoutError`,
   * `HubTopicNotJoinedError` or `HubChannelClosedError`.
   */
  request(
    topic: string,
    event: HubRequestEvent,
    data: unknown,
    options?: HubRequestOptions,
  ): Promise<HubRequestResult>;
  /** Cold {@link request}: sends on subscribe, forgets on unsubscribe. */
  request$(
    topic: string,
    event: HubRequestEvent,
    data: unknown,
    options?: HubRequestOptions,
  ): Observable<HubRequestResult>;

  /** `[join_ref, null, topic, event, payload]`; throws if not joined. */
  push(topic: string, event: string, payload: unknown): void;
  /** `[null, null, topic, event, payload]` to every joiner; returns count. */
  broadcast(topic: string, event: string, payload: unknown): number;
  /** Binary push frame (kind 0); throws if not joined. */
  pushBinary(
    topic: string,
    event: string,
    payload: ArrayBuffer | Uint8Array,
  ): void;
  /** Binary broadcast frame (kind 2) to every joiner; returns count. */
  broadcastBinary(
    topic: string,
    event: string,
    payload: ArrayBuffer | Uint8Array,
  ): number;

  /** Destroys every socket: no close frame (an abnormal close, 1006). */
  dropConnections(): void;
  /** Sends a close frame to every client. Default code 1000. */
  closeConnections(code?: number, reason?: string): void;
  /** Off: heartbeats are recorded but not answered. Default on. */
  setHeartbeatReplies(enabled: boolean): void;
  /** Delays every `phx_reply` by `ms` (0 = immediately, the default). */
  setReplyDelay(ms: number): void;
  /** Sends `phx_error` for the channel and forgets the join. */
  crashChannel(topic: string): void;
  /** Sends bytes as they are, to one connection or to all. */
  sendRaw(data: string | Buffer, connectionId?: string): void;
  /** Answers every upgrade with this HTTP status; `null` = normal. */
  refuseUpgrades(status: number | null): void;

  /** Stops listening and drops every connection; the port is kept. */
  stop(): Promise<void>;
  /** Listens again on the same port after {@link stop}. */
  restart(): Promise<void>;
  /** Closes everything; afterwards no handle keeps the process alive. */
  close(): Promise<void>;
}
