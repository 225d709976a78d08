/**
 * A WebSocket for marble tests: it speaks the EventTarget style, and the
 * "server" side is driven by the test, with every delay scheduled on
 * `asyncScheduler` so that it runs in virtual time inside
 * `TestScheduler.run`.
 */
import { asyncScheduler } from "rxjs";
import type { TestScheduler } from "rxjs/testing";
import type {
  WebSocketConstructor,
  WebSocketLike,
} from "../../src/streams/websocket.js";

type Listener = (event: never) => void;

/** What `expectSubscriptions` compares: when a subscription began and ended. */
export type SubscriptionLog = Parameters<
  TestScheduler["expectSubscriptions"]
>[0][number];

/** A frame the client sent, parsed from JSON. */
export type SentFrame = [string | null, string | null, string, string, unknown];

/**
 * One fake connection. Methods without `client` in their doc comment play
 * the server's part.
 */
export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  binaryType = "blob";
  readonly sent: SentFrame[] = [];
  /** Frames the client sent while closing or closed: lost on the wire. */
  readonly sentAfterClose: SentFrame[] = [];
  readonly closeCalls: { code?: number; reason?: string }[] = [];
  terminated = false;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    readonly url: string,
    private readonly server: FakeServer,
  ) {}

  /** client: registers a listener. */
  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
    if (type === "message" && set.size === 1) this.server.listening(this);
  }

  /** client: removes a listener. */
  removeEventListener(type: string, listener: Listener): void {
    const set = this.listeners.get(type);
    if (set?.delete(listener) !== true) return;

    if (type === "message" && set.size === 0) this.server.deaf(this);
  }

  /**
   * client: sends a frame. As the WebSocket standard and `ws` do, it throws
   * while connecting and silently discards the frame once closing (the
   * frame is kept in `sentAfterClose` for assertions).
   */
  send(data: string | ArrayBuffer): void {
    if (this.readyState === 0) throw new Error("fake socket is not open");
    if (typeof data !== "string") throw new Error("binary not faked");
    if (this.readyState !== 1) {
      this.sentAfterClose.push(JSON.parse(data) as SentFrame);
      return;
    }

    const frame = JSON.parse(data) as SentFrame;
    this.sent.push(frame);
    this.server.onMessage?.(this, frame);
  }

  /** client: starts the closing handshake; the server acknowledges it. */
  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState >= 2) return;

    this.readyState = 2;
    this.after(this.server.closeAckDelayMs ?? 0, () =>
      this.finishClose(code ?? 1005, reason ?? "", true),
    );
  }

  /** client: destroys the socket at once. */
  terminate(): void {
    this.terminated = true;
    if (this.readyState === 3) return;

    this.readyState = 3;
    this.after(0, () => this.emit("close", closeEvent(1006, "", false)));
  }

  /** Completes the upgrade. */
  open(): void {
    this.readyState = 1;
    this.emit("open", {});
  }

  /** Sends a text frame to the client. */
  receive(frame: string): void {
    this.emit("message", { data: frame });
  }

  /** Sends a JSON frame to the client. */
  push(frame: SentFrame): void {
    this.receive(JSON.stringify(frame));
  }

  /** Closes from the server side with a close frame. */
  serverClose(code = 1000, reason = ""): void {
    this.finishClose(code, reason, true);
  }

  /** Drops the connection without a close frame. */
  drop(): void {
    this.finishClose(1006, "", false);
  }

  /** Answers the upgrade with an HTTP status other than 101. */
  refuse(status: number): void {
    this.readyState = 3;
    this.emit("error", { message: `Unexpected server response: ${status}` });
    this.emit("close", closeEvent(1006, "", false));
  }

  /** Runs `action` after `delayMs` of (virtual) time. */
  after(delayMs: number, action: () => void): void {
    asyncScheduler.schedule(action, delayMs);
  }

  /** How many listeners are attached, for teardown checks. */
  get listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  private finishClose(code: number, reason: string, wasClean: boolean): void {
    if (this.readyState === 3) return;

    this.readyState = 3;
    this.emit("close", closeEvent(code, reason, wasClean));
  }

  private emit(type: string, event: object): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      (listener as (event: object) => void)(event);
    }
  }
}

/** How the fake server behaves; every hook is optional. */
export interface FakeServerBehavior {
  /** Called when the client creates a socket (the upgrade starts). */
  onConnect?(socket: FakeWebSocket, index: number): void;
  /** Called for every frame the client sends. */
  onMessage?(socket: FakeWebSocket, frame: SentFrame): void;
  /** How long the server takes to answer a close frame. Default 0. */
  closeAckDelayMs?: number;
}

/** The fake server: hands out sockets and keeps them for assertions. */
export interface FakeServer extends FakeServerBehavior {
  readonly WebSocket: WebSocketConstructor;
  readonly sockets: FakeWebSocket[];
  /**
   * One entry per socket, in the form `expectSubscriptions` reads: from the
   * moment the client listens for its frames until it stops listening.
   * The client's connection observable attaches its listeners when it is
   * subscribed and detaches them in its teardown, so this is the life of
   * that subscription, measured from outside.
   */
  readonly subscriptions: SubscriptionLog[];
  latest(): FakeWebSocket;
  /** Called by a socket when the client starts listening to it. */
  listening(socket: FakeWebSocket): void;
  /** Called by a socket when the client stops listening to it. */
  deaf(socket: FakeWebSocket): void;
}

/**
 * Makes a fake server and the WebSocket constructor that connects to it.
 *
 * @example
 * ```ts
 * const server = fakeServer({
 *   onConnect: (socket) => socket.after(1, () => socket.open()),
 * });
 * new PhoenixSocket({ url, WebSocket: server.WebSocket, jitter: false });
 * ```
 */
export function fakeServer(behavior: FakeServerBehavior = {}): FakeServer {
  const sockets: FakeWebSocket[] = [];
  const subscriptions: SubscriptionLog[] = [];
  const open = new Map<FakeWebSocket, SubscriptionLog>();
  const server: FakeServer = {
    ...behavior,
    sockets,
    subscriptions,
    listening: (socket) => {
      const log = {
        subscribedFrame: asyncScheduler.now(),
        unsubscribedFrame: Number.POSITIVE_INFINITY,
      };
      open.set(socket, log);
      subscriptions.push(log);
    },
    deaf: (socket) => {
      const log = open.get(socket);
      if (log === undefined) return;

      log.unsubscribedFrame = asyncScheduler.now();
      open.delete(socket);
    },
    latest: () => {
      const socket = sockets.at(-1);
      if (socket === undefined) throw new Error("no socket was created");
      return socket;
    },
    WebSocket: class {
      constructor(url: string) {
        const socket = new FakeWebSocket(url, server);
        sockets.push(socket);
        server.onConnect?.(socket, sockets.length - 1);
        // biome-ignore lint/correctness/noConstructorReturn: hands out the fake
        return socket;
      }
    } as unknown as WebSocketConstructor,
  };

  return server;
}

/** Replies ok to every heartbeat after `delayMs`. */
export function answerHeartbeats(delayMs = 0) {
  return (socket: FakeWebSocket, frame: SentFrame): void => {
    if (frame[2] !== "phoenix" || frame[3] !== "heartbeat") return;

    socket.after(delayMs, () =>
      socket.push([null, frame[1], "phoenix", "phx_reply", { status: "ok" }]),
    );
  };
}

function closeEvent(code: number, reason: string, wasClean: boolean) {
  return { code, reason, wasClean };
}
