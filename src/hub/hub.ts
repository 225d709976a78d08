import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import {
  defer,
  firstValueFrom,
  type Observable,
  Subscription,
  throwError,
} from "rxjs";
import { type WebSocket, WebSocketServer } from "ws";
import { type AtomemoContext, handleChannelEvent } from "./atomemo-flows.js";
import { ClientConnection } from "./connection.js";
import {
  HubArgumentError,
  HubClosedError,
  HubTopicNotJoinedError,
} from "./errors.js";
import { FaultSettings } from "./faults.js";
import { FrameRecorder } from "./frame-recorder.js";
import { type HttpApiContext, sendJson, serveHttpApi } from "./http-api.js";
import { type HubSettings, resolveHubOptions } from "./hub-options.js";
import { HubRequests } from "./hub-requests.js";
import { JoinBehaviors } from "./join-behavior.js";
import { findPluginTopic, listPlugins } from "./plugin-directory.js";
import {
  channelEndFrame,
  type ProtocolContext,
  routeClientMessage,
} from "./protocol.js";
import type {
  HubConnection,
  HubOptions,
  HubRequestEvent,
  HubRequestOptions,
  HubRequestResult,
  JoinBehavior,
  RecordedFrame,
  TestHub,
} from "./types.js";
import {
  decideUpgrade,
  maskParams,
  rejectUpgrade,
  socketMode,
  type UpgradeDecision,
} from "./upgrade.js";

/**
 * Starts a test hub: a Phoenix Channels server (serializer v2) that behaves
 * like the Atomemo Hub. Defaults: 127.0.0.1, a free port, any API key,
 * 10 s request timeout, silent logger, no HTTP API.
 *
 * @example
 * import { startHub } from "atomemo-transporter/hub";
 *
 * const hub = await startHub({ apiKeys: "secret" });
 * console.log(`${hub.url}/debug_socket/websocket?vsn=2.0.0&api_key=secret`);
 * await hub.close();
 */
export async function startHub(options?: HubOptions): Promise<TestHub> {
  const hub = new Hub(resolveHubOptions(options));
  await hub.start();
  return hub;
}

/**
 * Starts a test hub that also serves the HTTP API (`GET /plugins`,
 * `POST /invoke`) on its port; the CLI runs this.
 *
 * @example
 * const hub = await startHubWithHttp({ port: 4000 });
 * const plugins = await fetch(`http://127.0.0.1:${hub.port}/plugins`);
 */
export function startHubWithHttp(options?: HubOptions): Promise<TestHub> {
  return startHub({ ...options, httpApi: true });
}

type HubState = "new" | "listening" | "stopped" | "closed";

class Hub implements TestHub {
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly recorder = new FrameRecorder();
  private readonly faults = new FaultSettings();
  private readonly joinBehaviors = new JoinBehaviors();
  private readonly requests: HubRequests;
  private readonly hubCalls = new Subscription();
  private readonly liveConnections = new Map<string, ClientConnection>();
  private readonly upgradeSockets = new Set<Duplex>();
  private readonly pluginDefinitions = new Map<string, unknown>();
  private readonly pluginOwners = new Map<string, string>();
  private readonly protocolContext: ProtocolContext;
  private readonly atomemoContext: AtomemoContext;
  private readonly httpApiContext: HttpApiContext;
  private state: HubState = "new";
  private connectionCount = 0;
  private boundPort: number;

  constructor(private readonly settings: HubSettings) {
    this.boundPort = settings.port;
    this.requests = new HubRequests(settings.logger);
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: settings.maxFrameBytes,
    });
    this.server = createServer((request, response) =>
      this.onHttpRequest(request, response),
    );
    this.server.on("upgrade", (request, socket, head) =>
      this.onUpgrade(request, socket, head),
    );

    this.protocolContext = this.createProtocolContext();
    this.atomemoContext = this.createAtomemoContext();
    this.httpApiContext = this.createHttpApiContext();
  }

  get url(): string {
    const host = this.settings.host.includes(":")
      ? `[${this.settings.host}]`
      : this.settings.host;
    return `ws://${host}:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  get frames(): readonly RecordedFrame[] {
    return this.recorder.frames;
  }

  get frames$(): Observable<RecordedFrame> {
    return this.recorder.frames$;
  }

  get connections(): ReadonlyArray<HubConnection> {
    return [...this.liveConnections.values()].map((c) => c.snapshot());
  }

  get plugins(): ReadonlyMap<string, unknown> {
    return this.pluginDefinitions;
  }

  async start(): Promise<void> {
    await this.listen(this.settings.port);
    this.settings.logger.info({ url: this.url }, "hub listening");
  }

  waitForFrame(
    predicate: (frame: RecordedFrame) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedFrame> {
    return this.recorder.waitFor(predicate, timeoutMs);
  }

  clearFrames(): void {
    this.recorder.clear();
  }

  setJoinBehavior(topic: string | RegExp, behavior: JoinBehavior): void {
    this.joinBehaviors.set(topic, behavior);
  }

  request(
    topic: string,
    event: HubRequestEvent,
    data: unknown,
    options?: HubRequestOptions,
  ): Promise<HubRequestResult> {
    return firstValueFrom(this.request$(topic, event, data, options));
  }

  request$(
    topic: string,
    event: HubRequestEvent,
    data: unknown,
    options?: HubRequestOptions,
  ): Observable<HubRequestResult> {
    const timeoutMs = options?.timeoutMs ?? this.settings.requestTimeoutMs;

    return defer(() => {
      if (!(timeoutMs > 0)) {
        return throwError(
          () => new HubArgumentError(`timeoutMs must be > 0, got ${timeoutMs}`),
        );
      }

      const target = this.joinersOf(topic).at(-1);
      if (!target) {
        return throwError(
          () => new HubTopicNotJoinedError(topic, `send ${event}`),
        );
      }
      return this.requests.request$(target, topic, event, data, timeoutMs);
    });
  }

  push(topic: string, event: string, payload: unknown): void {
    for (const connection of this.requireJoiners(topic, `push ${event}`)) {
      const joinRef = connection.channels.get(topic) ?? null;
      connection.send({ joinRef, ref: null, topic, event, payload });
    }
  }

  pushBinary(
    topic: string,
    event: string,
    payload: ArrayBuffer | Uint8Array,
  ): void {
    this.push(topic, event, payload);
  }

  broadcast(topic: string, event: string, payload: unknown): number {
    const joiners = this.joinersOf(topic);
    for (const connection of joiners) {
      connection.send({ joinRef: null, ref: null, topic, event, payload });
    }
    return joiners.length;
  }

  broadcastBinary(
    topic: string,
    event: string,
    payload: ArrayBuffer | Uint8Array,
  ): number {
    return this.broadcast(topic, event, payload);
  }

  dropConnections(): void {
    for (const connection of this.liveConnections.values()) {
      connection.terminate();
    }
  }

  closeConnections(code = 1000, reason = ""): void {
    for (const connection of this.liveConnections.values()) {
      connection.close(code, reason);
    }
  }

  setHeartbeatReplies(enabled: boolean): void {
    this.faults.heartbeatReplies = enabled;
  }

  setReplyDelay(ms: number): void {
    this.faults.setReplyDelay(ms);
  }

  crashChannel(topic: string): void {
    for (const connection of this.requireJoiners(topic, "crash")) {
      const joinRef = connection.channels.get(topic) ?? "";
      this.endChannel(connection, topic, "crashed");
      connection.send(channelEndFrame(topic, joinRef, "phx_error"));
    }
  }

  sendRaw(data: string | Buffer, connectionId?: string): void {
    if (connectionId === undefined) {
      for (const connection of this.liveConnections.values()) {
        connection.sendRaw(data);
      }
      return;
    }

    const connection = this.liveConnections.get(connectionId);
    if (!connection) {
      throw new HubArgumentError(`No open connection ${connectionId}`);
    }
    connection.sendRaw(data);
  }

  refuseUpgrades(status: number | null): void {
    this.faults.refuseUpgrades(status);
  }

  async stop(): Promise<void> {
    if (this.state !== "listening") {
      return;
    }

    this.state = "stopped";
    await this.shutdownNetwork("hub stopped");
    this.settings.logger.info({ port: this.boundPort }, "hub stopped");
  }

  async restart(): Promise<void> {
    if (this.state === "closed") {
      throw new HubClosedError("restart");
    }
    if (this.state === "listening") {
      return;
    }

    await this.listen(this.boundPort);
    this.settings.logger.info({ url: this.url }, "hub restarted");
  }

  async close(): Promise<void> {
    if (this.state === "closed") {
      return;
    }

    const wasListening = this.state === "listening";
    this.state = "closed";
    if (wasListening) {
      await this.shutdownNetwork("hub closed");
    }

    this.hubCalls.unsubscribe();
    this.recorder.complete();
    this.wss.close();
    this.settings.logger.info("hub closed");
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once("error", onError);

      this.server.listen(port, this.settings.host, () => {
        this.server.off("error", onError);
        this.boundPort = (this.server.address() as AddressInfo).port;
        this.state = "listening";
        resolve();
      });
    });
  }

  private async shutdownNetwork(reason: string): Promise<void> {
    this.requests.failAll(reason);

    const serverClosed = new Promise<void>((resolve) =>
      this.server.close(() => resolve()),
    );
    this.server.closeAllConnections();

    const connectionsClosed = [...this.liveConnections.values()].map(
      (connection) => connection.closed,
    );
    this.dropConnections();
    for (const socket of this.upgradeSockets) {
      socket.destroy();
    }

    await Promise.all([serverClosed, ...connectionsClosed]);
  }

  private onHttpRequest(
    request: IncomingMessage,
    response: ServerResponse,
  ): void {
    // A socket path without an upgrade gets 400, as from a Phoenix endpoint,
    // whether or not the HTTP API is on.
    const path = new URL(request.url ?? "/", "http://hub.invalid").pathname;
    if (socketMode(path) !== null) {
      sendJson(response, 400, { error: "expected a WebSocket upgrade" });
      return;
    }

    if (this.settings.httpApi) {
      void serveHttpApi(this.httpApiContext, request, response);
      return;
    }
    sendJson(response, 404, { error: `nothing at ${path}` });
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on("error", (error) =>
      this.settings.logger.debug({ error: error.message }, "socket error"),
    );
    this.upgradeSockets.add(socket);
    socket.once("close", () => this.upgradeSockets.delete(socket));

    const decision = decideUpgrade(request, {
      apiKeys: this.settings.apiKeys,
      refusedStatus: this.faults.refusedUpgradeStatus,
    });

    if (!decision.accept) {
      this.settings.logger.warn(
        { status: decision.status, reason: decision.message },
        "upgrade refused",
      );
      rejectUpgrade(socket, decision.status, decision.message);
      return;
    }

    this.wss.handleUpgrade(request, socket, head, (ws) =>
      this.onConnection(ws, decision),
    );
  }

  private onConnection(
    ws: WebSocket,
    decision: Extract<UpgradeDecision, { accept: true }>,
  ): void {
    this.connectionCount += 1;
    const connection = new ClientConnection(
      ws,
      {
        id: `conn-${this.connectionCount}`,
        mode: decision.mode,
        params: decision.params,
      },
      {
        recorder: this.recorder,
        logger: this.settings.logger,
        onMessage: (from, message) =>
          routeClientMessage(this.protocolContext, from, message),
        onClosed: (closed) => this.onConnectionClosed(closed),
      },
    );

    this.liveConnections.set(connection.id, connection);
    this.settings.logger.info(
      {
        connectionId: connection.id,
        mode: decision.mode,
        params: maskParams(decision.params),
      },
      "client connected",
    );
  }

  private onConnectionClosed(connection: ClientConnection): void {
    for (const topic of [...connection.channels.keys()]) {
      this.endChannel(connection, topic, "connection closed");
    }
    this.liveConnections.delete(connection.id);
  }

  private endChannel(
    connection: ClientConnection,
    topic: string,
    reason: string,
  ): void {
    connection.channels.delete(topic);

    if (this.pluginOwners.get(topic) === connection.id) {
      this.pluginOwners.delete(topic);
      this.pluginDefinitions.delete(topic);
    }

    this.requests.failChannel(connection.id, topic, reason);
  }

  private joinersOf(topic: string): ClientConnection[] {
    return [...this.liveConnections.values()].filter((connection) =>
      connection.channels.has(topic),
    );
  }

  private requireJoiners(topic: string, action: string): ClientConnection[] {
    const joiners = this.joinersOf(topic);
    if (joiners.length === 0) {
      throw new HubTopicNotJoinedError(topic, action);
    }
    return joiners;
  }

  private createProtocolContext(): ProtocolContext {
    return {
      logger: this.settings.logger,
      faults: this.faults,
      joinBehaviors: this.joinBehaviors,
      staleJoinRef: this.settings.staleJoinRef,
      endChannel: (connection, topic, reason) =>
        this.endChannel(connection, topic, reason),
      onChannelEvent: (connection, message) =>
        handleChannelEvent(this.atomemoContext, connection, message),
    };
  }

  private createAtomemoContext(): AtomemoContext {
    return {
      logger: this.settings.logger,
      faults: this.faults,
      requests: this.requests,
      hubCallHandler: this.settings.hubCallHandler,
      hubCalls: this.hubCalls,
      registerPlugin: (connection, topic, definition) => {
        this.pluginDefinitions.set(topic, definition);
        this.pluginOwners.set(topic, connection.id);
      },
    };
  }

  private createHttpApiContext(): HttpApiContext {
    return {
      logger: this.settings.logger,
      listPlugins: () =>
        listPlugins(this.liveConnections.values(), this.pluginDefinitions),
      findPluginTopic: (plugin) =>
        findPluginTopic(plugin, this.liveConnections.values(), this.plugins),
      invoke: ({ topic, data, timeoutMs }) =>
        this.request(topic, "invoke_tool", data, { timeoutMs }),
    };
  }
}
