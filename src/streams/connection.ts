/**
 * One WebSocket connection as an Observable. Subscribing opens the socket;
 * the observable emits a {@link Connection} once the socket is open,
 * completes when a close that the client asked for has finished, and errors
 * on anything else: a refused upgrade, a failed attempt, a close the client
 * did not ask for. Unsubscribing detaches every listener and closes the
 * socket, so a late event from an old socket reaches nobody.
 */
import { Observable } from "rxjs";
import {
  AuthenticationError,
  ConnectionError,
  type TransporterError,
} from "../errors.js";
import type { Frame } from "./codec.js";
import {
  type CloseInfo,
  listen,
  ReadyState,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./websocket.js";

/**
 * An open connection: what the socket may do with it while it lasts.
 *
 * @example
 * ```ts
 * openConnection(options).subscribe((connection) => {
 *   connection.send('[null,"1","phoenix","heartbeat",{}]');
 * });
 * ```
 */
export interface Connection {
  /** 1 for the socket's first connection, counting up across reconnects. */
  readonly id: number;
  send(frame: Frame): void;
  /** Starts the closing handshake that the client asked for. */
  close(code: number, reason: string): void;
  /** Destroys the socket at once, without waiting for the handshake. */
  terminate(): void;
}

/**
 * What {@link openConnection} needs.
 *
 * @example
 * ```ts
 * const options: ConnectionOptions = {
 *   id: 1,
 *   url: "ws://127.0.0.1:4000/debug_socket/websocket?vsn=2.0.0",
 *   endpoint: "ws://127.0.0.1:4000/debug_socket",
 *   WebSocket,
 *   onFrame: (frame) => console.log(frame),
 * };
 * ```
 */
export interface ConnectionOptions {
  id: number;
  /** The full URL, with the connect params. */
  url: string;
  /** The URL without params, safe to put in messages and logs. */
  endpoint: string;
  WebSocket: WebSocketConstructor;
  /** Called with each frame as it arrives, while the connection lasts. */
  onFrame(frame: Frame): void;
}

/** The pattern of `ws`'s message when the upgrade gets another status. */
const UNEXPECTED_STATUS = /Unexpected server response: (\d{3})/;

/**
 * Opens one WebSocket connection.
 *
 * @example
 * ```ts
 * openConnection(options).subscribe({
 *   next: (connection) => console.log("open", connection.id),
 *   error: (error) => console.log(error.message),
 *   complete: () => console.log("closed"),
 * });
 * // open 1
 * // WebSocket closed by the server (code 1001)
 * ```
 */
export function openConnection(
  options: ConnectionOptions,
): Observable<Connection> {
  return new Observable<Connection>((subscriber) => {
    let socket: WebSocketLike;
    try {
      socket = new options.WebSocket(options.url);
    } catch (cause) {
      subscriber.error(
        new ConnectionError(`to ${options.endpoint} could not be created`, {
          cause,
        }),
      );
      return;
    }

    let opened = false;
    let closeRequested = false;
    let lastError: Error | undefined;

    const connection: Connection = {
      id: options.id,
      send: (frame) => socket.send(frame),
      close: (code, reason) => {
        closeRequested = true;
        socket.close(code, reason);
      },
      terminate: () => destroy(socket),
    };

    const detach = listen(socket, {
      open: () => {
        opened = true;
        subscriber.next(connection);
      },
      frame: options.onFrame,
      error: (error) => {
        lastError = error;
        if (!opened) subscriber.error(refusal(error, options.endpoint));
      },
      close: (info) => {
        if (closeRequested) subscriber.complete();
        else subscriber.error(unexpectedClose(info, opened, lastError));
      },
    });

    return () => {
      detach();
      closeQuietly(socket);
    };
  });
}

function refusal(error: Error, endpoint: string): TransporterError {
  const status = statusOf(error);
  if (status === 401 || status === 403) {
    return new AuthenticationError(status, endpoint);
  }

  return new ConnectionError(`to ${endpoint} failed: ${error.message}`, {
    status,
    cause: error,
  });
}

function statusOf(error: Error): number | undefined {
  const match = UNEXPECTED_STATUS.exec(error.message);

  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function unexpectedClose(
  info: CloseInfo,
  opened: boolean,
  cause: Error | undefined,
): ConnectionError {
  const what = opened ? "closed by the server" : "closed before opening";

  return new ConnectionError(what, {
    code: info.code,
    reason: info.reason,
    cause,
  });
}

/**
 * Closes a socket whose listeners are gone. An open one gets a normal
 * close. One still connecting is destroyed, since there is no handshake
 * to wait for; so is one already closing: whoever waited for its
 * handshake (a disconnect, bounded by its own timeout) has stopped
 * waiting, and `ws` would otherwise keep it and a timer alive for 30 s
 * when the peer never answers, as after a heartbeat timeout.
 */
function closeQuietly(socket: WebSocketLike): void {
  if (socket.readyState === ReadyState.open) socket.close(1000);
  else if (socket.readyState !== ReadyState.closed) destroy(socket);
}

function destroy(socket: WebSocketLike): void {
  if (typeof socket.terminate === "function") socket.terminate();
  else socket.close();
}
