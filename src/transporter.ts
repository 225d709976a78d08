/**
 * The promise API the Atomemo SDK calls: `createTransporter(options)`
 * returns `{ connect }`, and `connect(topic)` resolves to
 * `{ channel, dispose }` once the channel is joined. Underneath, everything
 * is the stream engine of `src/streams`.
 */
import {
  BehaviorSubject,
  catchError,
  concat,
  defer,
  EMPTY,
  filter,
  finalize,
  first,
  firstValueFrom,
  ignoreElements,
  lastValueFrom,
  map,
  merge,
  mergeMap,
  type Observable,
  race,
  Subscription,
  take,
  throwError,
  timer,
} from "rxjs";
import { Channel } from "./compat/channel.js";
import {
  type HubEnvironment,
  readHubEnvironment,
} from "./config/environment.js";
import {
  AuthenticationError,
  CallbackError,
  ConfigurationError,
  ConnectionError,
  JoinError,
  JoinTimeoutError,
  TransporterDisposedError,
  type TransporterError,
} from "./errors.js";
import { createLogger } from "./logging/create-logger.js";
import type { PhoenixChannel } from "./streams/channel.js";
import { ChannelRegistry } from "./streams/channel-registry.js";
import type { HeartbeatEvent } from "./streams/heartbeat.js";
import type { Logger } from "./streams/logger.js";
import type { PhoenixMessage } from "./streams/message.js";
import {
  type LifecycleEvent,
  PhoenixSocket,
  type SocketState,
} from "./streams/socket.js";
import type { CloseInfo, WebSocketConstructor } from "./streams/websocket.js";

/**
 * Options of {@link createTransporter}. The first five are the SDK's; the
 * rest tune the engine and have defaults that suit the hub.
 *
 * @example
 * ```ts
 * const options: TransporterOptions = {
 *   heartbeatIntervalMs: 30_000,
 *   onOpen: () => console.log("Connection established"),
 *   onClose: (event) => console.log("Connection closed", event.code),
 * };
 * ```
 */
export interface TransporterOptions {
  /** Time between heartbeats. Default 30 000 ms. */
  heartbeatIntervalMs?: number;
  /** Called on every open connection, reconnects included. */
  onOpen?: () => void;
  /** Called on every closed connection, with its code and reason. */
  onClose?: (event: CloseInfo) => void;
  /**
   * Called on every transport error (failed attempt, refused upgrade,
   * dropped connection, heartbeat timeout, malformed frame), with the
   * transport's name and how many connections have opened so far.
   */
  onError?: (
    error: Error,
    transport: string,
    establishedConnections: number,
  ) => void;
  /** Called with every inbound message. */
  onMessage?: (message: PhoenixMessage) => void;
  /** How long a heartbeat waits for its reply. Default: the interval. */
  heartbeatTimeoutMs?: number;
  /** How long a connection attempt may take. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect schedule. Default 10 … 2000, then 5000 ms. */
  reconnectStepsMs?: readonly number[];
  /** Full jitter on reconnect delays. Default true. */
  jitter?: boolean;
  /** How long a join may take, socket included. Default 10 000 ms. */
  joinTimeoutMs?: number;
  /** Default timeout of a push's reply. Default 10 000 ms. */
  pushTimeoutMs?: number;
  /** Rejoin schedule after a crash. Default 1000, 2000, 5000, 10 000 ms. */
  rejoinStepsMs?: readonly number[];
  /** Pushes that may wait while a channel rejoins. Default 100. */
  pushBufferSize?: number;
  /**
   * How long `dispose` waits for each step (buffered pushes, the leave's
   * reply, the closing handshake). Default 2 000 ms.
   */
  disposeTimeoutMs?: number;
  /**
   * Where to log. Default: readable lines on stderr, detailed when DEBUG
   * is on. A logger passed here gets structured records instead.
   */
  logger?: Logger;
  /** The WebSocket constructor. Default: `ws`. */
  WebSocket?: WebSocketConstructor;
  /**
   * Ends the process after an authentication failure (code 1) and after
   * `dispose` (code 0). Default `process.exit`; tests and embedding
   * applications replace it.
   */
  exit?: (code: number) => void;
  /** The environment to read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A joined channel and the way out.
 *
 * @example
 * ```ts
 * const { channel, dispose } = await transporter.connect("debug_plugin:demo");
 * ```
 */
export interface Connection {
  /** The joined channel, usable as a phoenix.js `Channel`. */
  channel: Channel;
  /**
   * Leaves the channel, closes the socket with code 1000, stops every
   * stream and timer, then exits the process with code 0. Calling it again
   * returns the same promise.
   */
  dispose: () => Promise<void>;
}

/**
 * What {@link createTransporter} returns.
 *
 * @example
 * ```ts
 * const transporter = createTransporter();
 * transporter.state$.subscribe((state) => console.log(state));
 * const { channel } = await transporter.connect("debug_plugin:demo");
 * ```
 */
export interface Transporter {
  /**
   * Joins `channelName`, connecting the socket first if needed. Rejects
   * with {@link JoinError} (`Failed to join <topic>: <reason>`),
   * {@link JoinTimeoutError} (`Timeout while joining <topic>`), the
   * refusal of the upgrade, or {@link TransporterDisposedError} once
   * `dispose` has started (then nothing connects).
   */
  connect(channelName: string): Promise<Connection>;
  /** {@link connect} as a cold observable: emits once, then completes. */
  connect$(channelName: string): Observable<Connection>;
  /** connecting, open, closing, closed. */
  readonly state$: Observable<SocketState>;
  /** Every inbound message. */
  readonly messages$: Observable<PhoenixMessage>;
  /** Every heartbeat: sent, acknowledged, timed out. */
  readonly heartbeat$: Observable<HeartbeatEvent>;
  /** Every transport and callback error. */
  readonly errors$: Observable<TransporterError>;
  /** Opens, closes and scheduled reconnects. */
  readonly lifecycle$: Observable<LifecycleEvent>;
}

const TRANSPORT_NAME = "websocket";
const REFRESH_KEY_HINT =
  "Run `atomemo plugin refresh-key` to get a new debug API key.";

/**
 * Creates the transporter between this plugin process and the Atomemo Hub.
 * The environment (HUB_WS_URL, HUB_MODE, HUB_DEBUG_API_KEY, DEBUG,
 * NODE_ENV) is read and checked here, before anything connects.
 *
 * @throws {ConfigurationError} listing every environment problem.
 * @example
 * ```ts
 * import { createTransporter } from "atomemo-transporter";
 *
 * const transporter = createTransporter({
 *   heartbeatIntervalMs: 30_000,
 *   onOpen: () => console.log("Connection established"),
 * });
 * const { channel, dispose } = await transporter.connect(
 *   "debug_plugin:my-plugin",
 * );
 * channel.push("register_plugin", { name: "my-plugin" })
 *   .receive("ok", () => console.log("registered"));
 * await dispose();
 * ```
 */
export function createTransporter(
  options: TransporterOptions = {},
): Transporter {
  const environment = readCheckedEnvironment(options);
  const logger = options.logger ?? createLogger({ debug: environment.debug });
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const socket = createSocket(options, environment, logger);
  const channels = new ChannelRegistry(socket, {
    joinTimeoutMs: options.joinTimeoutMs,
    pushTimeoutMs: options.pushTimeoutMs,
    leaveTimeoutMs: options.disposeTimeoutMs ?? 2_000,
    rejoinStepsMs: options.rejoinStepsMs,
    pushBufferSize: options.pushBufferSize,
  });
  const root = new Subscription();
  root.add(forwardToCallbacks(socket, options));
  root.add(exitOnRefusal(socket, environment, logger, exit));

  const context: ConnectContext = {
    socket,
    channels,
    logger,
    root,
    exit,
    pushTimeoutMs: options.pushTimeoutMs ?? 10_000,
    disposeTimeoutMs: options.disposeTimeoutMs ?? 2_000,
    connected: new Set(),
    disposing: new BehaviorSubject(false),
    dispose: undefined,
  };

  return {
    connect: (channelName) => firstValueFrom(connect$(context, channelName)),
    connect$: (channelName) => connect$(context, channelName),
    state$: socket.state$,
    messages$: socket.messages$,
    heartbeat$: socket.heartbeat$,
    errors$: socket.errors$,
    lifecycle$: socket.lifecycle$,
  };
}

interface ConnectContext {
  socket: PhoenixSocket;
  channels: ChannelRegistry;
  logger: Logger;
  root: Subscription;
  exit: (code: number) => void;
  pushTimeoutMs: number;
  disposeTimeoutMs: number;
  /** Every channel `connect` handed out, so that `dispose` leaves all. */
  connected: Set<Channel>;
  /** Turns true when `dispose` starts: from then on, nothing connects. */
  disposing: BehaviorSubject<boolean>;
  dispose: Promise<void> | undefined;
}

/**
 * The environment, checked. When it is unusable, each problem is logged as
 * a `CONFIG:INVALID` line of its own before the `ConfigurationError` is
 * thrown, so that a plugin process that dies of it says why in plain
 * lines first.
 */
function readCheckedEnvironment(options: TransporterOptions): HubEnvironment {
  try {
    return readHubEnvironment(options.env ?? process.env);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      const logger = options.logger ?? createLogger({ debug: false });
      for (const problem of error.problems) {
        logger.error({ kind: "CONFIG:INVALID" }, problem);
      }
    }

    throw error;
  }
}

function createSocket(
  options: TransporterOptions,
  environment: HubEnvironment,
  logger: Logger,
): PhoenixSocket {
  const params: Record<string, string> =
    environment.production || environment.apiKey === undefined
      ? {}
      : { api_key: environment.apiKey };

  return new PhoenixSocket({
    url: `${environment.hubUrl}/${environment.mode}_socket`,
    params,
    WebSocket: options.WebSocket,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    closeTimeoutMs: options.disposeTimeoutMs,
    reconnectStepsMs: options.reconnectStepsMs,
    jitter: options.jitter,
    logger,
  });
}

/**
 * The join of one topic as a cold observable: emits the connection once the
 * channel is joined and completes. The membership it starts outlives it,
 * until `leave` or `dispose`. Once `dispose` has started it errors with
 * {@link TransporterDisposedError} and touches nothing.
 */
function connect$(
  context: ConnectContext,
  topic: string,
): Observable<Connection> {
  return defer(() =>
    context.disposing.value
      ? throwError(() => new TransporterDisposedError(topic))
      : startJoin(context, topic),
  );
}

/**
 * Starts the membership of `topic` and returns the wait for its join,
 * which connects the socket when subscribed.
 */
function startJoin(
  context: ConnectContext,
  topic: string,
): Observable<Connection> {
  const { socket, logger } = context;
  const core = context.channels.channel(topic);
  const membership = core.joined$.subscribe({
    next: (joined) => {
      if (joined.rejoin) logRejoin(logger, topic);
    },
    error: () => {},
  });
  context.root.add(membership);
  let connected = false;

  const joined$ = race(
    core.joined$,
    refusal$(socket),
    disposal$(context, topic),
  );
  const start$ = defer(() => {
    socket.connect();
    return EMPTY;
  });

  return merge(joined$, start$).pipe(
    take(1),
    map(() => {
      connected = true;
      logger.info(
        { kind: "CHANNEL:JOINED", topic },
        `Joined ${topic} successfully`,
      );
      return connectionOf(context, core, membership);
    }),
    catchError((error: unknown) => {
      const failure$ = joinFailure$(context, topic, error);
      membership.unsubscribe();
      return concat(
        failure$,
        throwError(() => error),
      );
    }),
    finalize(() => {
      if (!connected) membership.unsubscribe();
    }),
  );
}

/** Errors as soon as `dispose` starts: the join under way is given up. */
function disposal$(context: ConnectContext, topic: string): Observable<never> {
  return context.disposing.pipe(
    first((disposing) => disposing),
    mergeMap(() => throwError(() => new TransporterDisposedError(topic))),
  );
}

/**
 * Logs a failed join now, and closes the socket on subscription if nothing
 * else uses it; a join given up for `dispose` needs neither, as `dispose`
 * closes the socket.
 */
function joinFailure$(
  context: ConnectContext,
  topic: string,
  error: unknown,
): Observable<never> {
  if (error instanceof TransporterDisposedError) return EMPTY;

  logJoinFailure(context.logger, topic, error);
  return disconnectIfIdle$(context);
}

function connectionOf(
  context: ConnectContext,
  core: PhoenixChannel,
  membership: Subscription,
): Connection {
  const report = (error: TransporterError) => context.socket.reportError(error);
  const channel = new Channel(core, membership, context.pushTimeoutMs, report);
  context.connected.add(channel);
  const dispose = () => {
    if (context.dispose !== undefined) return context.dispose;

    context.disposing.next(true);
    context.dispose = lastValueFrom(dispose$(context, core.topic), {
      defaultValue: undefined,
    });
    return context.dispose;
  };

  return { channel, dispose };
}

/** Errors as soon as the hub refuses the upgrade: no join can follow. */
function refusal$(socket: PhoenixSocket): Observable<never> {
  return socket.errors$.pipe(
    first(isRefusedUpgrade),
    mergeMap((error) => throwError(() => error)),
  );
}

function isRefusedUpgrade(error: TransporterError): boolean {
  if (error instanceof AuthenticationError) return true;

  return error instanceof ConnectionError && error.status !== undefined;
}

/**
 * Everything `dispose` does, in order, each step bounded in time: give
 * buffered pushes a chance, leave every connected channel (a topic
 * connected twice shares one join, so it is left once), close the socket,
 * unsubscribe the rest, exit with 0.
 */
function dispose$(context: ConnectContext, topic: string): Observable<never> {
  const cores = context.channels.all();
  const flush$ = merge(
    ...cores.map((core) => flushBuffered$(core, context.disposeTimeoutMs)),
  );
  const leave$ = defer(() => {
    const left = cores.map((core) => core.left$());
    for (const channel of context.connected) channel.leave();
    return merge(...left).pipe(ignoreElements());
  });
  const finish$ = defer(() => {
    context.root.unsubscribe();
    context.logger.info(
      { kind: "TRANSPORT:DISPOSED", topic },
      `Left ${topic} and closed the connection`,
    );
    context.exit(0);
    return EMPTY;
  });

  return concat(
    flush$,
    leave$,
    context.socket.disconnect$(1000, "dispose"),
    finish$,
  );
}

/**
 * Gives pushes that wait for a rejoin a bounded chance to go out before
 * the leave, instead of failing them at once.
 */
function flushBuffered$(
  core: PhoenixChannel,
  timeoutMs: number,
): Observable<never> {
  return defer(() => {
    if (core.bufferedPushes === 0) return EMPTY;

    const joined$ = core.state$.pipe(first((state) => state === "joined"));
    return race(joined$, timer(timeoutMs)).pipe(take(1), ignoreElements());
  });
}

function disconnectIfIdle$(context: ConnectContext): Observable<never> {
  return defer(() => {
    const active = context.channels
      .all()
      .some((channel) => channel.currentState !== "closed");

    return active ? EMPTY : context.socket.disconnect$();
  });
}

/**
 * The seed's policy on a refused upgrade (any status but 101): say why,
 * hint at a fresh key outside production, and end the process with 1.
 */
function exitOnRefusal(
  socket: PhoenixSocket,
  environment: HubEnvironment,
  logger: Logger,
  exit: (code: number) => void,
): Subscription {
  return socket.errors$.pipe(filter(isRefusedUpgrade)).subscribe((error) => {
    const status = (error as AuthenticationError | ConnectionError).status;
    const hint = environment.production ? "" : ` ${REFRESH_KEY_HINT}`;
    logger.error(
      { kind: "AUTH:FAILED", status },
      `Authentication failed: the hub answered the WebSocket upgrade ` +
        `with HTTP ${status}.${hint}`,
    );
    const exit$ = defer(() => {
      exit(1);
      return EMPTY;
    });
    concat(socket.disconnect$(), exit$).subscribe();
  });
}

function forwardToCallbacks(
  socket: PhoenixSocket,
  options: TransporterOptions,
): Subscription {
  const subscriptions = new Subscription();
  const call = (name: string, callback: () => unknown) => {
    const report = (error: unknown) =>
      socket.reportError(new CallbackError(name, error));

    try {
      const result = callback();
      // An async callback's rejection would otherwise end the process.
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  };

  subscriptions.add(
    socket.lifecycle$.subscribe((event) => {
      if (event.type === "open" && options.onOpen) {
        call("onOpen", () => options.onOpen?.());
      }
      if (event.type === "close" && options.onClose) {
        call("onClose", () => options.onClose?.(closeInfoOf(event)));
      }
    }),
  );
  if (options.onMessage) {
    const onMessage = options.onMessage;
    subscriptions.add(
      socket.messages$.subscribe((message) =>
        call("onMessage", () => onMessage(message)),
      ),
    );
  }
  if (options.onError) {
    const onError = options.onError;
    subscriptions.add(
      socket.errors$
        .pipe(filter((error) => !(error instanceof CallbackError)))
        .subscribe((error) =>
          call("onError", () =>
            onError(error, TRANSPORT_NAME, socket.establishedConnections),
          ),
        ),
    );
  }

  return subscriptions;
}

function closeInfoOf(
  event: Extract<LifecycleEvent, { type: "close" }>,
): CloseInfo {
  return {
    code: event.code ?? 1006,
    reason: event.reason ?? "",
    wasClean: event.code !== undefined && event.code !== 1006,
  };
}

function logRejoin(logger: Logger, topic: string): void {
  logger.info({ kind: "CHANNEL:REJOINED", topic }, `Rejoined ${topic}`);
}

function logJoinFailure(logger: Logger, topic: string, error: unknown): void {
  if (error instanceof JoinTimeoutError) {
    logger.error({ kind: "CHANNEL:TIMEOUT", topic }, error.message);
  } else if (error instanceof JoinError) {
    logger.error(
      { kind: "CHANNEL:ERROR", topic, response: error.response },
      error.message,
    );
  } else {
    const message = error instanceof Error ? error.message : String(error);
    logger.error(
      { kind: "CHANNEL:ERROR", topic },
      `Failed to join ${topic}: ${message}`,
    );
  }
}
