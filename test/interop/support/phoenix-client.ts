/**
 * The official phoenix.js client, set up for tests against the hub: the
 * `ws` transport (Node 20 has no global WebSocket) and fast reconnects.
 */
import { type Channel, Socket, type SocketConnectOption } from "phoenix";
import WebSocket from "ws";
import type { TestHub } from "../../../src/hub/index.js";

const sockets: Socket[] = [];

/** A phoenix.js socket to the hub's debug socket; not yet connected. */
export function phoenixSocket(
  hub: TestHub,
  options: Partial<SocketConnectOption> = {},
): Socket {
  const socket = new Socket(`${hub.url}/debug_socket`, {
    transport: WebSocket as unknown as SocketConnectOption["transport"],
    reconnectAfterMs: () => 10,
    rejoinAfterMs: () => 10,
    ...options,
  });
  sockets.push(socket);
  return socket;
}

/** Disconnects every socket made by {@link phoenixSocket}. */
export function disconnectAll(): Promise<void> {
  const closing = sockets
    .splice(0)
    .map(
      (socket) => new Promise<void>((resolve) => socket.disconnect(resolve)),
    );
  return Promise.all(closing).then(() => undefined);
}

/** Resolves with the join response; rejects with the error or timeout. */
export function join(channel: Channel): Promise<unknown> {
  return new Promise((resolve, reject) => {
    channel
      .join()
      .receive("ok", resolve)
      .receive("error", (response) =>
        reject(new Error(`join error: ${JSON.stringify(response)}`)),
      )
      .receive("timeout", () => reject(new Error("join timeout")));
  });
}

/** Pushes and resolves with `{status, response}` of the reply. */
export function pushAndReply(
  channel: Channel,
  event: string,
  payload: object,
): Promise<{ status: string; response: unknown }> {
  return new Promise((resolve) => {
    const push = channel.push(event, payload);
    for (const status of ["ok", "error", "timeout"] as const) {
      push.receive(status, (response) => resolve({ status, response }));
    }
  });
}

/** The next message of `event` on the channel. */
export function nextMessage(channel: Channel, event: string): Promise<unknown> {
  return new Promise((resolve) => {
    const ref = channel.on(event, (payload) => {
      channel.off(event, ref);
      resolve(payload);
    });
  });
}
