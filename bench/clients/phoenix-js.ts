/**
 * The reference: the official phoenix.js client (`Socket` and `Channel`
 * from the `phoenix` package) over `ws`, used the way SDK code uses it.
 *
 * Its timers are pushed out of the way so that they never fire during a
 * run: the heartbeat interval and the join and push timeouts are an hour.
 * The exception is `pushNoReply`: phoenix.js has no push without a reply,
 * so every push keeps a reply binding and a timer until its timeout; an
 * SDK answering `invoke_tool` pays for that for phoenix's default 10 s,
 * and so does this adapter.
 */
import { type Channel, Socket } from "phoenix";
import WebSocket from "ws";

import type {
  BenchClient,
  CreateBenchClient,
  EventHandler,
  PushPayload,
} from "./types.js";

const QUIET_TIMEOUT_MS = 60 * 60 * 1000;

/** phoenix.js's DEFAULT_TIMEOUT, which `channel.push` uses by default. */
const PHOENIX_DEFAULT_PUSH_TIMEOUT_MS = 10_000;

class PhoenixJsClient implements BenchClient {
  private socket: Socket | undefined;
  private readonly channels = new Map<string, Channel>();

  connect(socketUrl: string): Promise<void> {
    const endpoint = socketUrl.replace(/\/websocket$/, "");
    const socket = new Socket(endpoint, {
      transport: WebSocket,
      timeout: QUIET_TIMEOUT_MS,
      heartbeatIntervalMs: QUIET_TIMEOUT_MS,
    });
    this.socket = socket;

    return new Promise((resolve, reject) => {
      const openRef = socket.onOpen(() => {
        socket.off([openRef, errorRef]);
        resolve();
      });
      const errorRef = socket.onError((error) => {
        socket.off([openRef, errorRef]);
        socket.disconnect();
        reject(new Error(`phoenix-js: cannot connect: ${String(error)}`));
      });

      socket.connect();
    });
  }

  join(topic: string): Promise<void> {
    const channel = this.requireSocket().channel(topic, {});
    this.channels.set(topic, channel);

    return new Promise((resolve, reject) => {
      channel
        .join()
        .receive("ok", () => resolve())
        .receive("error", (response) =>
          reject(failure("phx_join", topic, "error", response)),
        )
        .receive("timeout", () =>
          reject(failure("phx_join", topic, "timeout", {})),
        );
    });
  }

  push(topic: string, event: string, payload: PushPayload): Promise<unknown> {
    const channel = this.channelOf(topic);

    return new Promise((resolve, reject) => {
      channel
        .push(event, payload)
        .receive("ok", resolve)
        .receive("error", (response) =>
          reject(failure(event, topic, "error", response)),
        )
        .receive("timeout", () => reject(failure(event, topic, "timeout", {})));
    });
  }

  pushNoReply(topic: string, event: string, payload: PushPayload): void {
    const channel = this.channelOf(topic);

    channel.push(event, payload, PHOENIX_DEFAULT_PUSH_TIMEOUT_MS);
  }

  onEvent(topic: string, event: string, handler: EventHandler): () => void {
    const channel = this.channelOf(topic);
    const ref = channel.on(event, handler);

    return () => channel.off(event, ref);
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (!socket) {
      return Promise.resolve();
    }

    return new Promise((resolve) => socket.disconnect(() => resolve()));
  }

  private requireSocket(): Socket {
    if (!this.socket) {
      throw new Error("phoenix-js: join before connect");
    }

    return this.socket;
  }

  private channelOf(topic: string): Channel {
    const channel = this.channels.get(topic);
    if (!channel) {
      throw new Error(`phoenix-js: push to ${topic} before joining it`);
    }

    return channel;
  }
}

function failure(
  event: string,
  topic: string,
  status: string,
  response: unknown,
): Error {
  const detail = JSON.stringify(response);

  return new Error(`${event} on ${topic}: ${status} ${detail}`);
}

/**
 * Creates a client driving the official phoenix.js `Socket`, with its
 * heartbeat and timeouts set to an hour (push without reply: 10 s).
 *
 * @example
 * const client = createClient();
 * await client.connect("ws://127.0.0.1:4000/debug_socket/websocket");
 */
export const createClient: CreateBenchClient = () => new PhoenixJsClient();
