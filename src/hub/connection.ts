import type { Logger } from "pino";
import { Subscription, timer } from "rxjs";
import WebSocket from "ws";
import {
  decodeClientFrame,
  encodeServerMessage,
  type PhoenixMessage,
} from "./frame-codec.js";
import type { FrameRecorder } from "./frame-recorder.js";
import { isStaleFrame } from "./protocol.js";
import type { HubConnection } from "./types.js";

/** What a connection needs from the hub that owns it. */
export interface ConnectionDeps {
  recorder: FrameRecorder;
  logger: Logger;
  onMessage: (connection: ClientConnection, message: PhoenixMessage) => void;
  onClosed: (connection: ClientConnection) => void;
}

/** Identity of a connection, taken from its upgrade request. */
export interface ConnectionIdentity {
  id: string;
  mode: string;
  params: Record<string, string>;
}

const RAW_HEX_LIMIT_BYTES = 256;
const CLOSE_INTERNAL_ERROR = 1011;

/**
 * One client WebSocket: decodes and records what comes in, encodes and
 * records what goes out, and remembers the channels joined on it
 * (topic → current join_ref). Delayed sends are timer subscriptions owned
 * by the connection, so closing it cancels them.
 *
 * @example
 * const connection = new ClientConnection(ws, identity, deps);
 * connection.send({ joinRef: null, ref: "1", topic: "phoenix",
 *   event: "phx_reply", payload: { status: "ok", response: {} } });
 */
export class ClientConnection {
  readonly id: string;
  readonly mode: string;
  readonly params: Record<string, string>;
  /** Joined topic → the join_ref of its current join. */
  readonly channels = new Map<string, string>();
  /** Resolves once the socket is fully closed. */
  readonly closed: Promise<void>;
  private readonly pendingSends = new Subscription();
  private readonly logger: Logger;

  constructor(
    private readonly ws: WebSocket,
    identity: ConnectionIdentity,
    private readonly deps: ConnectionDeps,
  ) {
    this.id = identity.id;
    this.mode = identity.mode;
    this.params = identity.params;
    this.logger = deps.logger.child({ connectionId: this.id });

    this.closed = new Promise((resolve) => {
      ws.once("close", (code: number, reason: Buffer) => {
        this.onClose(code, reason.toString("utf8"));
        resolve();
      });
    });

    ws.on("message", (data: Buffer, isBinary: boolean) =>
      this.onFrame(data, isBinary),
    );
    ws.on("error", (error) => this.onError(error));
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  snapshot(): HubConnection {
    return {
      id: this.id,
      mode: this.mode,
      params: { ...this.params },
      topics: [...this.channels.keys()],
    };
  }

  /** Encodes, records and sends one message now. */
  send(message: PhoenixMessage): void {
    if (!this.isOpen) {
      this.logger.warn(
        { topic: message.topic, event: message.event },
        "frame not sent: connection is no longer open",
      );
      return;
    }

    const frame = encodeServerMessage(message);
    this.deps.recorder.record({
      direction: "out",
      connectionId: this.id,
      binary: frame.binary,
      ...message,
    });
    this.ws.send(frame.data, { binary: frame.binary });
  }

  /** Sends the messages, in order, after `delayMs` (now when 0). */
  sendAfter(delayMs: number, messages: PhoenixMessage[]): void {
    if (delayMs <= 0) {
      for (const message of messages) this.send(message);
      return;
    }

    const delayed = timer(delayMs).subscribe(() => {
      this.pendingSends.remove(delayed);
      for (const message of messages) this.send(message);
    });
    this.pendingSends.add(delayed);
  }

  /** Sends bytes as they are; recorded with `raw`. */
  sendRaw(data: string | Buffer): void {
    const binary = typeof data !== "string";
    this.deps.recorder.record({
      direction: "out",
      connectionId: this.id,
      binary,
      joinRef: null,
      ref: null,
      topic: "",
      event: "",
      payload: undefined,
      raw: binary ? toHex(data) : data,
    });
    this.ws.send(data, { binary });
  }

  /** Destroys the socket: the client sees an abnormal close (1006). */
  terminate(): void {
    this.ws.terminate();
  }

  /** Starts a clean close handshake. */
  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (!this.isOpen) {
      // The connection is closing (after a fatal frame, or a close the hub
      // or the client started); Phoenix handles nothing more on it either.
      this.logger.debug({ bytes: data.length }, "frame after close ignored");
      return;
    }

    const decoded = decodeClientFrame(data, isBinary);

    if (!decoded.ok) {
      this.onMalformed(data, isBinary, decoded.error, decoded.fatal);
      return;
    }

    this.deps.recorder.record({
      direction: "in",
      connectionId: this.id,
      binary: isBinary,
      ...decoded.message,
      ...(isStaleFrame(this.channels, decoded.message) && { stale: true }),
    });
    this.deps.onMessage(this, decoded.message);
  }

  private onMalformed(
    data: Buffer,
    isBinary: boolean,
    error: string,
    fatal: boolean,
  ): void {
    const raw = isBinary ? toHex(data) : data.toString("utf8");
    this.deps.recorder.record({
      direction: "in",
      connectionId: this.id,
      binary: isBinary,
      joinRef: null,
      ref: null,
      topic: "",
      event: "",
      payload: undefined,
      raw,
      error,
    });

    if (!fatal) {
      // Phoenix would route a frame whose header fields have the wrong
      // types as it is; the hub cannot route it, so it drops it and keeps
      // the connection.
      this.logger.warn(
        { error, bytes: data.length },
        "malformed frame dropped",
      );
      return;
    }

    // Phoenix's serializer raises on this frame, which crashes the socket
    // process: the client sees the connection close with 1011 (internal
    // error) and the server goes on serving everyone else.
    this.logger.warn(
      { error, bytes: data.length },
      "malformed frame: closing the connection with 1011",
    );
    this.ws.close(CLOSE_INTERNAL_ERROR, "malformed frame");
  }

  private onError(error: Error & { code?: string }): void {
    // ws closes the socket itself after a protocol error (1009 for an
    // oversized message, 1007 for invalid UTF-8); the hub only reports it.
    this.logger.warn(
      { code: error.code, error: error.message },
      "connection error",
    );
  }

  private onClose(code: number, reason: string): void {
    this.pendingSends.unsubscribe();
    this.logger.debug({ code, reason }, "connection closed");
    this.deps.onClosed(this);
  }
}

function toHex(data: Buffer): string {
  const shown = data.subarray(0, RAW_HEX_LIMIT_BYTES).toString("hex");
  return data.length > RAW_HEX_LIMIT_BYTES ? `${shown}…` : shown;
}
