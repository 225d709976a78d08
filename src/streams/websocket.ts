/**
 * The part of a WebSocket this library uses, so that the constructor can be
 * injected: `ws` by default, Bun's or the platform's `WebSocket`, or a fake
 * driven in virtual time by the marble tests.
 */
import type { Frame } from "./codec.js";

/** The readyState values of the WebSocket standard. */
export const ReadyState = {
  connecting: 0,
  open: 1,
  closing: 2,
  closed: 3,
} as const;

/**
 * A WebSocket as this library needs it. Both the EventTarget style
 * (`addEventListener`) and the Node EventEmitter style of `ws` (`on`/`off`)
 * are understood; the latter is preferred because it hands over each frame
 * without wrapping it in an event object.
 *
 * @example
 * ```ts
 * import WebSocket from "ws";
 * const socket: WebSocketLike = new WebSocket("ws://127.0.0.1:4000");
 * ```
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  /** Destroys the connection at once, without a closing handshake. */
  terminate?(): void;
  addEventListener?(type: string, listener: (event: never) => void): void;
  removeEventListener?(type: string, listener: (event: never) => void): void;
  on?(event: string, listener: (...args: never[]) => void): unknown;
  off?(event: string, listener: (...args: never[]) => void): unknown;
}

/**
 * A constructor of WebSockets, called with the full endpoint URL.
 *
 * @example
 * ```ts
 * import WebSocket from "ws";
 * const constructor: WebSocketConstructor = WebSocket;
 * ```
 */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** How a WebSocket closed. */
export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** What the connection listens for on a WebSocket. */
export interface WebSocketHandlers {
  open(): void;
  frame(frame: Frame): void;
  error(error: Error): void;
  close(info: CloseInfo): void;
}

/**
 * Attaches the handlers to a WebSocket and returns the function that
 * detaches them. After detaching, a no-op error listener stays: `ws` throws
 * an error event that nobody listens to, and closing a socket that is
 * still connecting emits one.
 *
 * @example
 * ```ts
 * const detach = listen(socket, { open, frame, error, close });
 * detach();
 * ```
 */
export function listen(
  socket: WebSocketLike,
  handlers: WebSocketHandlers,
): () => void {
  if (typeof socket.on === "function" && typeof socket.off === "function") {
    return listenAsEmitter(socket, handlers);
  }

  return listenAsEventTarget(socket, handlers);
}

/** The close code of a connection that ended without a close frame. */
const ABNORMAL_CLOSURE = 1006;

type Listeners = Record<string, (...args: never[]) => void>;

function listenAsEmitter(
  socket: WebSocketLike,
  handlers: WebSocketHandlers,
): () => void {
  socket.binaryType = "nodebuffer";
  const listeners: Listeners = {
    open: () => handlers.open(),
    message: (data: Buffer, isBinary: boolean) =>
      handlers.frame(isBinary ? toArrayBuffer(data) : data.toString()),
    error: (error: Error) => handlers.error(error),
    close: (code: number, reason: Buffer) =>
      handlers.close({
        code,
        reason: reason.toString(),
        wasClean: code !== ABNORMAL_CLOSURE,
      }),
  };

  return attach(listeners, socket.on, socket.off, socket);
}

function listenAsEventTarget(
  socket: WebSocketLike,
  handlers: WebSocketHandlers,
): () => void {
  socket.binaryType = "arraybuffer";
  const listeners: Listeners = {
    open: () => handlers.open(),
    message: (event: { data: Frame }) => handlers.frame(event.data),
    error: (event: { error?: unknown; message?: string }) =>
      handlers.error(toError(event)),
    close: (event: CloseInfo) =>
      handlers.close({
        code: event.code,
        reason: event.reason,
        wasClean: event.wasClean,
      }),
  };

  return attach(
    listeners,
    socket.addEventListener,
    socket.removeEventListener,
    socket,
  );
}

type Register = ((name: string, listener: never) => unknown) | undefined;

function attach(
  listeners: Listeners,
  add: Register,
  remove: Register,
  socket: WebSocketLike,
): () => void {
  if (add === undefined || remove === undefined) {
    throw new TypeError(
      "The WebSocket has neither on/off nor addEventListener",
    );
  }

  for (const [name, listener] of Object.entries(listeners)) {
    add.call(socket, name, listener as never);
  }

  return () => {
    for (const [name, listener] of Object.entries(listeners)) {
      remove.call(socket, name, listener as never);
    }
    add.call(socket, "error", ignore as never);
  };
}

function ignore(): void {}

function toArrayBuffer(data: Buffer): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = data;

  return buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer;
}

function toError(event: { error?: unknown; message?: string }): Error {
  if (event.error instanceof Error) return event.error;

  return new Error(event.message ?? "WebSocket error");
}
