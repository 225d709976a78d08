/**
 * The reconnecting Phoenix socket: one connection at a time, opened again
 * with a stepped, jittered backoff whenever it drops, with every part of
 * its life exposed as a stream. Channels sit on top of it.
 */
import {
  BehaviorSubject,
  defer,
  EMPTY,
  endWith,
  finalize,
  first,
  ignoreElements,
  lastValueFrom,
  merge,
  type Observable,
  race,
  retry,
  Subject,
  type Subscription,
  share,
  switchMap,
  take,
  takeUntil,
  tap,
  throwError,
  timeout,
  timer,
} from "rxjs";
import WebSocket from "ws";
import {
  AuthenticationError,
  CallbackError,
  ConnectionError,
  FrameDecodeError,
  HeartbeatTimeoutError,
  SocketNotOpenError,
  TransporterError,
} from "../errors.js";
import { assertPositiveMs, assertSchedule } from "./assert-options.js";
import {
  DEFAULT_RECONNECT_STEPS_MS,
  fullJitter,
  stepDelay,
} from "./backoff.js";
import { decodeFrame, encodeMessage, type Frame } from "./codec.js";
import { type Connection, openConnection } from "./connection.js";
import {
  assertEndpoint,
  type ConnectParams,
  endpointUrl,
  maskUrl,
} from "./endpoint.js";
import { type HeartbeatEvent, heartbeat } from "./heartbeat.js";
import { type Logger, silentLogger } from "./logger.js";
import { PHOENIX_TOPIC, PhoenixEvent, type PhoenixMessage } from "./message.js";
import { MessageRouter, type MessageSink } from "./message-router.js";
import type { WebSocketConstructor } from "./websocket.js";

/**
 * Where the socket is: `connecting` on every attempt, `open`, `closing`
 * while a disconnect waits for the handshake, `closed` between attempts and
 * at rest.
 */
export type SocketState = "connecting" | "open" | "closing" | "closed";

/**
 * A change in the socket's connection: opened, closed, or a reconnect
 * scheduled after a close.
 *
 * @example
 * ```ts
 * socket.lifecycle$.subscribe((event) => console.log(event.type));
 * // open, close, reconnecting, open
 * ```
 */
export type LifecycleEvent =
  | { type: "open"; connectionId: number; establishedConnections: number }
  | {
      type: "close";
      connectionId: number;
      code: number | undefined;
      reason: string | undefined;
      error: TransporterError | undefined;
    }
  | { type: "reconnecting"; attempt: number; delayMs: number };

/**
 * How to build a {@link PhoenixSocket}. Only `url` is required.
 *
 * @example
 * ```ts
 * const options: SocketOptions = {
 *   url: "ws://127.0.0.1:4000/debug_socket",
 *   params: () => ({ api_key: readKey() }),
 *   heartbeatIntervalMs: 30_000,
 * };
 * ```
 */
export interface SocketOptions {
  /**
   * The endpoint, as ws:// or wss://, e.g. `ws://host/debug_socket`. The
   * `/websocket` suffix and `vsn=2.0.0` are added.
   */
  url: string;
  /**
   * Connect params for the query string; a function is called again on
   * every attempt, so a refreshed key is used. Default: none.
   */
  params?: ConnectParams | (() => ConnectParams);
  /** The WebSocket constructor. Default: `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Time between heartbeats. Default: 30 000 ms. */
  heartbeatIntervalMs?: number;
  /** How long a heartbeat waits for its reply. Default: the interval. */
  heartbeatTimeoutMs?: number;
  /** How long an attempt may take to open. Default: 10 000 ms. */
  connectTimeoutMs?: number;
  /**
   * How long `disconnect` waits for the closing handshake before it
   * destroys the socket. Default: 2 000 ms.
   */
  closeTimeoutMs?: number;
  /**
   * The reconnect schedule; the last step repeats. Default:
   * 10, 50, 100, 150, 200, 250, 500, 1000, 2000, then 5000 ms.
   */
  reconnectStepsMs?: readonly number[];
  /** Full jitter on each reconnect delay. Default: true. */
  jitter?: boolean;
  /** The jitter's source of numbers in [0, 1). Default: `Math.random`. */
  random?: () => number;
  /** Where the socket logs. Default: nowhere. */
  logger?: Logger;
}

/** The close reason sent when a heartbeat goes unanswered. */
const HEARTBEAT_TIMEOUT_REASON = "heartbeat timeout";

type ResolvedOptions = Required<Omit<SocketOptions, "params">> & {
  params: () => ConnectParams;
};

/** Send this to a socket: a message whose ref the caller chose. */
export type OutboundMessage = PhoenixMessage;

/**
 * A Phoenix socket whose whole life is observable.
 *
 * @example
 * ```ts
 * import { PhoenixSocket } from "atomemo-transporter";
 *
 * const socket = new PhoenixSocket({ url: "ws://127.0.0.1:4000/debug_socket" });
 * socket.state$.subscribe((state) => console.log(state));
 * socket.connect();
 * // closed, connecting, open
 * await socket.disconnect();
 * // closing, closed
 * ```
 */
/**
 * What {@link PhoenixSocket.watchConnection} tells.
 *
 * @example
 * ```ts
 * const watcher: ConnectionWatcher = { connectionClosed: () => rejoinLater() };
 * ```
 */
export interface ConnectionWatcher {
  connectionClosed(): void;
}

export class PhoenixSocket {
  /** Where the socket is; replays the current state to new subscribers. */
  readonly state$: Observable<SocketState>;
  /** Every decoded inbound message, hot, across reconnects. */
  readonly messages$: Observable<PhoenixMessage>;
  /** Every heartbeat step of every connection. */
  readonly heartbeat$: Observable<HeartbeatEvent>;
  /** Decode errors, connection errors, refusals, callback errors. */
  readonly errors$: Observable<TransporterError>;
  /** Opens, closes and scheduled reconnects. */
  readonly lifecycle$: Observable<LifecycleEvent>;

  private readonly options: ResolvedOptions;
  private readonly log: Logger;
  private readonly router = new MessageRouter((message) => message.topic);
  private readonly state = new BehaviorSubject<SocketState>("closed");
  private readonly messages = new Subject<PhoenixMessage>();
  private readonly heartbeats = new Subject<HeartbeatEvent>();
  private readonly errors = new Subject<TransporterError>();
  private readonly lifecycle = new Subject<LifecycleEvent>();
  private readonly connectionWatchers = new Set<ConnectionWatcher>();

  private root: Subscription | undefined;
  private connection: Connection | undefined;
  private lastRef = 0;
  private connectionCount = 0;
  private establishedConnectionCount = 0;

  constructor(options: SocketOptions) {
    this.options = resolveOptions(options);
    this.log = this.options.logger;
    this.state$ = this.state.asObservable();
    this.messages$ = this.messages.asObservable();
    this.heartbeat$ = this.heartbeats.asObservable();
    this.errors$ = this.errors.asObservable();
    this.lifecycle$ = this.lifecycle.asObservable();
  }

  /** The current state. */
  get currentState(): SocketState {
    return this.state.value;
  }

  /**
   * Starts connecting, and reconnecting after every drop, until
   * `disconnect` or an authentication refusal. Calling it while started
   * does nothing.
   */
  connect(): void {
    if (this.root !== undefined) return;

    const root = defer(() => this.attempt())
      .pipe(
        retry({
          delay: (error, attempt) => this.reconnectAfter(error, attempt),
          resetOnSuccess: true,
        }),
      )
      .subscribe({
        error: () => this.rest(),
        complete: () => this.rest(),
      });
    if (!root.closed) this.root = root;
  }

  /**
   * Closes the connection with a normal close (code 1000 by default),
   * waits for the closing handshake up to `closeTimeoutMs`, and stops
   * reconnecting. Nothing of the socket is left running afterwards.
   *
   * @example
   * ```ts
   * await socket.disconnect();
   * ```
   */
  disconnect(code = 1000, reason = "client disconnect"): Promise<void> {
    return lastValueFrom(this.disconnect$(code, reason), {
      defaultValue: undefined,
    });
  }

  /**
   * {@link disconnect} as a cold observable: it starts on subscription and
   * completes once the socket is closed, so it composes in virtual time.
   *
   * ```
   * close acknowledged after 2:  --|
   * never acknowledged:          ----- closeTimeoutMs -----|
   * ```
   */
  disconnect$(code = 1000, reason = "client disconnect"): Observable<never> {
    return defer(() => {
      const root = this.root;
      if (root === undefined) return EMPTY;

      return this.closeHandshake$(code, reason).pipe(
        finalize(() => {
          root.unsubscribe();
          this.rest();
        }),
      );
    });
  }

  /**
   * A new ref, unique for the life of this socket.
   *
   * @example
   * ```ts
   * socket.makeRef(); // "1"
   * socket.makeRef(); // "2"
   * ```
   */
  makeRef(): string {
    this.lastRef += 1;
    return String(this.lastRef);
  }

  /**
   * Sends a message on the open connection.
   *
   * @throws {SocketNotOpenError} when no connection is open: the caller
   * decides whether to buffer, since only it knows whether a replay would
   * be stale.
   * @example
   * ```ts
   * socket.send({ join_ref: null, ref: socket.makeRef(), topic: "room:1",
   *   event: "phx_join", payload: {} });
   * ```
   */
  send(message: OutboundMessage): void {
    const connection = this.connection;
    if (connection === undefined || this.state.value !== "open") {
      throw new SocketNotOpenError(
        message.event,
        message.topic,
        this.state.value,
      );
    }

    connection.send(encodeMessage(message));
  }

  /**
   * The inbound messages of one topic, routed with one map lookup.
   *
   * @example
   * ```ts
   * socket.topic$("room:1").subscribe((message) => console.log(message));
   * ```
   */
  topic$(topic: string): Observable<PhoenixMessage> {
    return this.router.route$(topic);
  }

  /**
   * Hands the inbound messages of `topic` to `sink` until
   * {@link detachTopic}: what {@link topic$} does, without the objects of
   * a subscription, for routes held for a channel's whole life.
   *
   * @example
   * ```ts
   * const sink = { next: (message: PhoenixMessage) => console.log(message) };
   * socket.attachTopic("room:1", sink);
   * socket.detachTopic("room:1", sink);
   * ```
   */
  attachTopic(topic: string, sink: MessageSink): void {
    this.router.attach(topic, sink);
  }

  /** Stops what {@link attachTopic} started; a no-op for an unknown sink. */
  detachTopic(topic: string, sink: MessageSink): void {
    this.router.detach(topic, sink);
  }

  /**
   * Tells `watcher` of every connection that closes, right after
   * `lifecycle$` does, until {@link unwatchConnection}: the close events
   * of `lifecycle$` without the objects of a subscription, for watches
   * held for a channel's whole life.
   *
   * @example
   * ```ts
   * const watcher = { connectionClosed: () => console.log("closed") };
   * socket.watchConnection(watcher);
   * socket.unwatchConnection(watcher);
   * ```
   */
  watchConnection(watcher: ConnectionWatcher): void {
    this.connectionWatchers.add(watcher);
  }

  /** Stops what {@link watchConnection} started. */
  unwatchConnection(watcher: ConnectionWatcher): void {
    this.connectionWatchers.delete(watcher);
  }

  /**
   * Puts an error on `errors$` and in the log: how upper layers report
   * what went wrong in user callbacks without breaking a stream.
   */
  reportError(error: TransporterError): void {
    this.log.warn({ kind: kindOf(error), code: error.code }, error.message);
    this.errors.next(error);
  }

  /** How many connections have opened so far. */
  get establishedConnections(): number {
    return this.establishedConnectionCount;
  }

  /** How many topics have subscribers; for tests and diagnostics. */
  get routedTopics(): number {
    return this.router.size;
  }

  private attempt(): Observable<Connection> {
    this.connectionCount += 1;
    const id = this.connectionCount;
    this.state.next("connecting");
    let url: string;
    try {
      url = endpointUrl(this.options.url, this.options.params());
    } catch (cause) {
      return this.paramsFailed(cause);
    }
    this.log.debug(
      { kind: "TRANSPORT:CONNECTING", connectionId: id },
      `Connecting to ${maskUrl(url)}`,
    );

    const connection$ = openConnection({
      id,
      url,
      endpoint: this.options.url,
      WebSocket: this.options.WebSocket,
      onFrame: (frame) => this.receive(frame),
    }).pipe(
      timeout({
        first: this.options.connectTimeoutMs,
        with: () => throwError(() => this.openTimedOut()),
      }),
      tap((connection) => this.opened(connection)),
      share(),
    );

    return whileOpen(connection$, (connection) =>
      this.heartbeatOf(connection),
    ).pipe(
      tap({
        complete: () => this.closed(id, undefined),
        error: (error) => this.closed(id, error),
      }),
    );
  }

  private heartbeatOf(connection: Connection): Observable<HeartbeatEvent> {
    return heartbeat({
      intervalMs: this.options.heartbeatIntervalMs,
      timeoutMs: this.options.heartbeatTimeoutMs,
      connectionId: connection.id,
      makeRef: () => this.makeRef(),
      send: (ref) => connection.send(heartbeatFrame(ref)),
      replies$: this.router.route$(PHOENIX_TOPIC),
    }).pipe(
      // Once the closing handshake starts, a heartbeat would be sent after
      // the close frame, and a late timeout would close the socket twice.
      takeUntil(this.state.pipe(first((state) => state === "closing"))),
      tap({
        next: (event) => this.heartbeats.next(event),
        error: () => connection.close(1000, HEARTBEAT_TIMEOUT_REASON),
      }),
    );
  }

  private opened(connection: Connection): void {
    this.connection = connection;
    this.establishedConnectionCount += 1;
    this.state.next("open");
    this.log.info(
      { kind: "TRANSPORT:OPEN", connectionId: connection.id },
      `Connection ${connection.id} open`,
    );
    this.lifecycle.next({
      type: "open",
      connectionId: connection.id,
      establishedConnections: this.establishedConnectionCount,
    });
  }

  private closed(connectionId: number, error: unknown): void {
    if (this.connection?.id === connectionId) this.connection = undefined;
    const failure = asTransporterError(error);
    if (failure !== undefined) this.reportError(failure);

    const close = closeCodeOf(failure);
    this.log.info(
      { kind: "TRANSPORT:CLOSE", connectionId, ...close },
      `Connection ${connectionId} closed`,
    );
    this.state.next("closed");
    this.lifecycle.next({
      type: "close",
      connectionId,
      ...close,
      error: failure,
    });
    for (const watcher of [...this.connectionWatchers]) {
      watcher.connectionClosed();
    }
  }

  private reconnectAfter(error: unknown, attempt: number): Observable<0> {
    if (error instanceof AuthenticationError) return throwError(() => error);

    const step = stepDelay(this.options.reconnectStepsMs, attempt);
    const delayMs = this.options.jitter
      ? fullJitter(step, this.options.random)
      : step;
    this.log.info(
      { kind: "TRANSPORT:RECONNECT", attempt, delayMs },
      `Reconnecting in ${delayMs} ms (attempt ${attempt})`,
    );
    this.lifecycle.next({ type: "reconnecting", attempt, delayMs });

    return timer(delayMs);
  }

  private receive(frame: Frame): void {
    let message: PhoenixMessage;
    try {
      message = decodeFrame(frame);
    } catch (error) {
      this.reportError(error as TransporterError);
      return;
    }

    // Subject.next allocates on every call; most sockets have no listener
    // of every message, so they skip it.
    if (this.messages.observed) this.messages.next(message);
    this.router.route(message);
  }

  /**
   * The params function threw: the attempt fails like one that could not
   * connect (so the backoff applies and a later attempt may succeed), and
   * the error is reported rather than lost.
   */
  private paramsFailed(cause: unknown): Observable<never> {
    const error = new CallbackError("params", cause);
    this.reportError(error);
    this.state.next("closed");

    return throwError(() => error);
  }

  private openTimedOut(): ConnectionError {
    return new ConnectionError(
      `to ${this.options.url} did not open within ` +
        `${this.options.connectTimeoutMs} ms`,
    );
  }

  private closeHandshake$(code: number, reason: string): Observable<never> {
    const connection = this.connection;
    if (connection === undefined) return EMPTY;

    this.state.next("closing");
    const closed$ = race(
      this.closeOf(connection.id),
      timer(this.options.closeTimeoutMs),
    ).pipe(take(1));
    const close$ = defer(() => {
      connection.close(code, reason);
      return EMPTY;
    });

    return merge(closed$, close$).pipe(
      take(1),
      ignoreElements(),
      // A server that never answers the close frame would keep the socket,
      // and with it the process, alive for as long as `ws` waits.
      finalize(() => connection.terminate()),
    );
  }

  private closeOf(connectionId: number): Observable<LifecycleEvent> {
    return this.lifecycle.pipe(
      first(
        (event) =>
          event.type === "close" && event.connectionId === connectionId,
      ),
    );
  }

  private rest(): void {
    this.root = undefined;
    this.connection = undefined;
    if (this.state.value !== "closed") this.state.next("closed");
  }
}

/**
 * Runs `during` for each value of the shared `source`, and stops it when the
 * source ends: the heartbeat lives exactly as long as its connection.
 */
function whileOpen<T, D>(
  source: Observable<T>,
  during: (value: T) => Observable<D>,
): Observable<T> {
  const ended$ = source.pipe(ignoreElements(), endWith(true));
  const duringSource$ = source.pipe(
    switchMap(during),
    ignoreElements(),
    takeUntil(ended$),
  );

  return merge(source, duringSource$);
}

function heartbeatFrame(ref: string): Frame {
  return encodeMessage({
    join_ref: null,
    ref,
    topic: PHOENIX_TOPIC,
    event: PhoenixEvent.heartbeat,
    payload: {},
  });
}

/** The log kind of an error reported on `errors$`. */
function kindOf(error: TransporterError): string {
  if (error instanceof HeartbeatTimeoutError) return "HEARTBEAT:TIMEOUT";
  if (error instanceof FrameDecodeError) return "FRAME:MALFORMED";
  if (error instanceof CallbackError) return "CALLBACK:ERROR";
  if (error instanceof AuthenticationError) return "TRANSPORT:REFUSED";
  if (error instanceof ConnectionError) return "TRANSPORT:ERROR";

  return "ERROR";
}

/** The close code and reason that go with the way a connection ended. */
function closeCodeOf(failure: TransporterError | undefined): {
  code: number | undefined;
  reason: string | undefined;
} {
  if (failure === undefined) return { code: 1000, reason: undefined };
  if (failure instanceof HeartbeatTimeoutError) {
    return { code: 1000, reason: HEARTBEAT_TIMEOUT_REASON };
  }
  if (failure instanceof ConnectionError) {
    return { code: failure.closeCode, reason: failure.closeReason };
  }

  return { code: undefined, reason: undefined };
}

function asTransporterError(error: unknown): TransporterError | undefined {
  if (error === undefined) return undefined;
  if (error instanceof TransporterError) return error;

  return new ConnectionError("failed", { cause: error });
}

function resolveOptions(options: SocketOptions): ResolvedOptions {
  assertEndpoint(options.url);
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 30_000;
  const resolved: ResolvedOptions = {
    url: options.url,
    params: paramsReader(options.params),
    WebSocket: options.WebSocket ?? (WebSocket as WebSocketConstructor),
    heartbeatIntervalMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? heartbeatIntervalMs,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    closeTimeoutMs: options.closeTimeoutMs ?? 2_000,
    reconnectStepsMs: options.reconnectStepsMs ?? DEFAULT_RECONNECT_STEPS_MS,
    jitter: options.jitter ?? true,
    random: options.random ?? Math.random,
    logger: options.logger ?? silentLogger,
  };

  assertPositiveMs("heartbeatIntervalMs", resolved.heartbeatIntervalMs);
  assertPositiveMs("heartbeatTimeoutMs", resolved.heartbeatTimeoutMs);
  assertPositiveMs("connectTimeoutMs", resolved.connectTimeoutMs);
  assertPositiveMs("closeTimeoutMs", resolved.closeTimeoutMs);
  assertSchedule("reconnectStepsMs", resolved.reconnectStepsMs);

  return resolved;
}

function paramsReader(params: SocketOptions["params"]): () => ConnectParams {
  if (typeof params === "function") return params;

  const fixed = params ?? {};
  return () => fixed;
}
