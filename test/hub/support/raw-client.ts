/**
 * A frame-level WebSocket client for hub tests: sends exactly the frames a
 * test writes and keeps every frame the hub sends, decoded.
 */
import WebSocket from "ws";
import type { TestHub } from "../../../src/hub/index.js";

export type WireFrame = [string | null, string | null, string, string, unknown];

export interface ReceivedFrame {
  binary: boolean;
  data: Buffer;
  /** Decoded JSON frame (undefined for binary or non-JSON frames). */
  frame?: WireFrame;
}

export interface RawClientOptions {
  mode?: string;
  params?: Record<string, string>;
  path?: string;
}

const DEFAULT_WAIT_MS = 2_000;

export class RawClient {
  readonly received: ReceivedFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextRef = 1;
  private readonly listeners = new Set<() => void>();

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, binary: boolean) => {
      this.received.push({
        binary,
        data,
        frame: binary ? undefined : tryParse(data.toString("utf8")),
      });
      for (const listener of this.listeners) listener();
    });
    this.closed = new Promise((resolve) =>
      ws.once("close", (code, reason) =>
        resolve({ code, reason: reason.toString() }),
      ),
    );
  }

  /** A fresh ref, as clients number their messages. */
  ref(): string {
    const ref = String(this.nextRef);
    this.nextRef += 1;
    return ref;
  }

  send(frame: WireFrame): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  sendBinary(bytes: Buffer): void {
    this.ws.send(bytes, { binary: true });
  }

  /** Joins `topic` and returns the join_ref once the hub replied ok. */
  async join(topic: string, params: unknown = {}): Promise<string> {
    const joinRef = this.ref();
    this.send([joinRef, joinRef, topic, "phx_join", params]);
    const reply = await this.replyTo(joinRef);
    const status = (reply[4] as { status: string }).status;
    if (status !== "ok") {
      throw new Error(`join ${topic} answered ${JSON.stringify(reply[4])}`);
    }
    return joinRef;
  }

  /** The phx_reply carrying `ref`. */
  replyTo(ref: string, timeoutMs = DEFAULT_WAIT_MS): Promise<WireFrame> {
    return this.nextFrame(
      (f) => f[3] === "phx_reply" && f[1] === ref,
      timeoutMs,
    );
  }

  /**
   * Sends a heartbeat and waits for its reply. The hub handles one
   * connection's frames in order and answers synchronously, so anything it
   * would have answered to earlier frames has arrived by then.
   */
  async roundTrip(): Promise<void> {
    const ref = `hb-${this.ref()}`;
    this.send([null, ref, "phoenix", "heartbeat", {}]);
    await this.replyTo(ref);
  }

  nextFrame(
    predicate: (frame: WireFrame) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<WireFrame> {
    return this.next(
      (received) => received.frame !== undefined && predicate(received.frame),
      timeoutMs,
    ).then((received) => received.frame as WireFrame);
  }

  next(
    predicate: (received: ReceivedFrame) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<ReceivedFrame> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);

    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.received.find(predicate);
        if (!match) return;
        done();
        resolve(match);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  frames(predicate: (frame: WireFrame) => boolean): WireFrame[] {
    return this.received
      .map((received) => received.frame)
      .filter((f): f is WireFrame => f !== undefined && predicate(f));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.terminate();
    await this.closed;
  }
}

export function socketUrl(hub: TestHub, options: RawClientOptions = {}) {
  const path = options.path ?? `/${options.mode ?? "debug"}_socket/websocket`;
  const query = new URLSearchParams({ vsn: "2.0.0", ...options.params });
  return `${hub.url}${path}?${query}`;
}

/** Opens a raw client; rejects when the upgrade fails. */
export function connectRaw(
  hub: TestHub,
  options: RawClientOptions = {},
): Promise<RawClient> {
  const ws = new WebSocket(socketUrl(hub, options));
  const client = new RawClient(ws);

  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(client));
    ws.once("error", reject);
  });
}

/** The HTTP status the hub answers an upgrade with (101 when accepted). */
export function upgradeStatus(url: string): Promise<number> {
  const ws = new WebSocket(url);
  ws.on("error", () => {});

  return new Promise((resolve) => {
    ws.once("unexpected-response", (_request, response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once("open", () => {
      resolve(101);
      ws.terminate();
    });
  });
}

function tryParse(text: string): WireFrame | undefined {
  try {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as WireFrame) : undefined;
  } catch {
    return undefined;
  }
}
