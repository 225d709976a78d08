/**
 * A fake server that answers the Phoenix protocol in virtual time, for the
 * channel marble tests. Each answer can be delayed or withheld.
 */
import { asyncScheduler } from "rxjs";
import {
  type FakeServer,
  type FakeWebSocket,
  fakeServer,
  type SentFrame,
} from "./fake-websocket.js";

export interface FakeHubOptions {
  /** When the upgrade completes, after the socket is created. Default 1. */
  openAfterMs?: number;
  /** Join reply delay; null never answers. Default 1. */
  joinReplyAfterMs?: number | null;
  /** Decides each join: ok, or error with this reason. Default ok. */
  joinOutcome?: (joinIndex: number) => "ok" | { reason: string };
  /** Push reply delay; null never answers. Default 1. */
  pushReplyAfterMs?: number | null;
  /** Leave reply delay; null never answers. Default 1. */
  leaveReplyAfterMs?: number | null;
  /** Heartbeat reply delay; null never answers. Default 0. */
  heartbeatReplyAfterMs?: number | null;
  /** Extra behaviour when a socket is created. */
  onConnect?(socket: FakeWebSocket, index: number): void;
}

/** A fake hub and the frames it saw, for assertions. */
export interface FakeHub extends FakeServer {
  /** Every frame sent by the client, with the virtual time it was sent. */
  readonly frames: { at: number; socket: number; frame: SentFrame }[];
  /** The frames of one event. */
  framesOf(event: string): { at: number; socket: number; frame: SentFrame }[];
}

/**
 * Makes a fake hub.
 *
 * @example
 * ```ts
 * const hub = fakeHub({ joinReplyAfterMs: null });
 * const socket = new PhoenixSocket({ url, WebSocket: hub.WebSocket });
 * ```
 */
export function fakeHub(options: FakeHubOptions = {}): FakeHub {
  let joins = 0;
  const frames: FakeHub["frames"] = [];
  const server = fakeServer({
    onConnect: (socket, index) => {
      socket.after(options.openAfterMs ?? 1, () => socket.open());
      options.onConnect?.(socket, index);
    },
    onMessage: (socket, frame) => {
      frames.push({
        at: asyncScheduler.now(),
        socket: server.sockets.indexOf(socket),
        frame,
      });
      answer(socket, frame);
    },
  });

  function answer(socket: FakeWebSocket, frame: SentFrame): void {
    const [joinRef, ref, topic, event, payload] = frame;
    const reply = (delay: number | null | undefined, response: object) => {
      if (delay === null) return;
      socket.after(delay ?? 1, () =>
        socket.push([joinRef, ref, topic, "phx_reply", response]),
      );
    };

    if (event === "heartbeat") {
      const delay = options.heartbeatReplyAfterMs;
      reply(delay === undefined ? 0 : delay, { status: "ok", response: {} });
    } else if (event === "phx_join") {
      const outcome = options.joinOutcome?.(joins++) ?? "ok";
      reply(
        options.joinReplyAfterMs,
        outcome === "ok"
          ? { status: "ok", response: {} }
          : { status: "error", response: outcome },
      );
    } else if (event === "phx_leave") {
      reply(options.leaveReplyAfterMs, { status: "ok", response: {} });
    } else {
      reply(options.pushReplyAfterMs, { status: "ok", response: payload });
    }
  }

  return {
    ...server,
    frames,
    framesOf: (event) => frames.filter(({ frame }) => frame[3] === event),
  };
}
