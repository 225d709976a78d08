/**
 * The contract every benchmarked client implements, so that one workload
 * runs unchanged on raw `ws`, on phoenix.js and on our engine.
 *
 * It is protocol-level on purpose: connect, join, push with or without a
 * reply, listen to server pushes, close. Any Phoenix Channels client can
 * implement it with a few lines of glue, and the glue stays thin enough
 * that the figures measure the client, not the adapter.
 *
 * A client module lives in `bench/clients/<name>.ts` and exports
 * `createClient`; `bench/clients/registry.ts` lists the module names.
 *
 * @example
 * import type { CreateBenchClient } from "./types.js";
 *
 * export const createClient: CreateBenchClient = () => new MyClient();
 */

/** A JSON object sent as a push payload. */
export type PushPayload = Record<string, unknown>;

/** Receives the payload of one server push (`[jr, null, topic, event, p]`). */
export type EventHandler = (payload: unknown) => void;

/**
 * One Phoenix Channels client with one socket connection.
 *
 * Calls happen in this order: `connect`, then `join` for each topic, then
 * any mix of `onEvent`, `push` and `pushNoReply` on joined topics, then
 * `close` once. A workload creates a fresh client for every run.
 *
 * @example
 * const client = createClient();
 * await client.connect("ws://127.0.0.1:4000/debug_socket/websocket");
 * await client.join("bench:a");
 * client.onEvent("bench:a", "bench:msg", (payload) => count++);
 * const response = await client.push("bench:a", "echo", { n: 1 });
 * // response: { n: 1 }
 * await client.close();
 */
export interface BenchClient {
  /**
   * Opens the socket and resolves once it is open.
   *
   * @param socketUrl the WebSocket URL without query string, ending in
   *   `/websocket` (e.g. `ws://127.0.0.1:4000/debug_socket/websocket`);
   *   the client adds `vsn=2.0.0` itself.
   */
  connect(socketUrl: string): Promise<void>;

  /** Joins `topic` with empty params; rejects unless the reply is "ok". */
  join(topic: string): Promise<void>;

  /**
   * Pushes `event` to a joined topic and resolves with the `response` of
   * its `phx_reply` when the status is "ok"; rejects on any other status.
   * Adapters must not time out before a minute: the runner caps slow runs.
   */
  push(topic: string, event: string, payload: PushPayload): Promise<unknown>;

  /**
   * Pushes `event` to a joined topic when no reply will come, such as
   * `invoke_tool_response`. Sends it now, or throws.
   */
  pushNoReply(topic: string, event: string, payload: PushPayload): void;

  /**
   * Calls `handler` with the payload of every server push of `event` on
   * a joined `topic`, until the returned function is called.
   */
  onEvent(topic: string, event: string, handler: EventHandler): () => void;

  /** Closes the socket and resolves once it is closed. */
  close(): Promise<void>;
}

/** What a client module exports as `createClient`. */
export type CreateBenchClient = () => BenchClient;
