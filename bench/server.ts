/**
 * The benchmark's Phoenix v2 server, run as its own process so that its
 * CPU time never counts against the client being measured.
 *
 * Listens on 127.0.0.1, port 0, path `/debug_socket/websocket`, and
 * prints one line `{"port":<n>,"url":"ws://…"}` on stdout once it
 * listens. It exits when its stdin closes (so it cannot outlive the
 * runner that spawned it, even if the runner is killed) or on
 * SIGTERM/SIGINT.
 *
 * What it answers is described in `server/connection.ts`.
 *
 * @example
 * // node --import tsx bench/server.ts
 * // {"port":40123,"url":"ws://127.0.0.1:40123/debug_socket/websocket"}
 */
import { WebSocketServer } from "ws";

import { serveBenchConnection } from "./server/connection.js";

const SOCKET_PATH = "/debug_socket/websocket";

const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

function main(): void {
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    path: SOCKET_PATH,
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD_BYTES,
  });

  server.on("connection", serveBenchConnection);
  server.on("listening", () => reportPort(server));
  server.on("error", (error) => {
    process.stderr.write(`bench server: ${error.message}\n`);
    process.exit(1);
  });

  const shutdown = () => closeAndExit(server);
  process.stdin.on("end", shutdown);
  process.stdin.on("error", shutdown);
  process.stdin.resume();
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

function reportPort(server: WebSocketServer): void {
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error(`bench server: expected a TCP address, got ${address}`);
  }

  const url = `ws://127.0.0.1:${address.port}${SOCKET_PATH}`;
  process.stdout.write(`${JSON.stringify({ port: address.port, url })}\n`);
}

function closeAndExit(server: WebSocketServer): void {
  for (const client of server.clients) {
    client.terminate();
  }

  server.close(() => process.exit(0));
}

main();
