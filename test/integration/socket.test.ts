import { spawn } from "node:child_process";
import { once } from "node:events";
import { filter, firstValueFrom, take, timeout, toArray } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  FrameDecodeError,
  HeartbeatTimeoutError,
} from "../../src/errors.js";
import { startHub, type TestHub } from "../../src/hub/index.js";
import { PhoenixSocket, type SocketOptions } from "../../src/streams/socket.js";
import { hubLog } from "../support/hub-log.js";
import { activeHandles, recordingLogger } from "../support/runtime.js";

const WAIT_MS = 5_000;

let hub: TestHub | undefined;
let socket: PhoenixSocket | undefined;

afterEach(async () => {
  await socket?.disconnect();
  await hub?.close();
  socket = undefined;
  hub = undefined;
});

async function connectTo(
  target: TestHub,
  options: Partial<SocketOptions> = {},
): Promise<PhoenixSocket> {
  socket = new PhoenixSocket({
    url: `${target.url}/debug_socket`,
    params: { api_key: "secret" },
    reconnectStepsMs: [10],
    jitter: false,
    ...options,
  });
  const opened = openCount(socket, 1);
  socket.connect();
  await opened;
  return socket;
}

function openCount(target: PhoenixSocket, count: number): Promise<unknown> {
  return firstValueFrom(
    target.lifecycle$.pipe(
      filter((event) => event.type === "open"),
      take(count),
      toArray(),
      timeout(WAIT_MS),
    ),
  );
}

describe("PhoenixSocket against the test hub", () => {
  it("opens a connection that the hub sees with its params", async () => {
    hub = await startHub({ apiKeys: "secret" });
    const client = await connectTo(hub);

    expect(client.currentState).toBe("open");
    expect(hub.connections).toHaveLength(1);
    expect(hub.connections[0]?.mode).toBe("debug");
    expect(hub.connections[0]?.params.api_key).toBe("secret");
    expect(hub.connections[0]?.params.vsn).toBe("2.0.0");
  });

  it("sends heartbeats at a short interval and reports each round trip", async () => {
    hub = await startHub();
    const client = await connectTo(hub, { heartbeatIntervalMs: 20 });

    const acknowledged = await firstValueFrom(
      client.heartbeat$.pipe(
        filter((event) => event.type === "acknowledged"),
        take(3),
        toArray(),
        timeout(WAIT_MS),
      ),
    );

    expect(acknowledged.map((event) => event.type)).toEqual([
      "acknowledged",
      "acknowledged",
      "acknowledged",
    ]);
    const heartbeats = hub.frames.filter(
      (frame) => frame.direction === "in" && frame.event === "heartbeat",
    );
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
    expect(heartbeats.every((frame) => frame.topic === "phoenix")).toBe(true);
  });

  it("reconnects after the hub drops the connection", async () => {
    hub = await startHub();
    const client = await connectTo(hub);
    const reopened = openCount(client, 1);

    hub.dropConnections();
    await reopened;

    expect(client.currentState).toBe("open");
    expect(client.establishedConnections).toBe(2);
  });

  it("closes with 1000 'heartbeat timeout' when the hub stops answering, then reconnects", async () => {
    const log = hubLog();
    hub = await startHub({ logger: log.logger });
    const client = await connectTo(hub, {
      heartbeatIntervalMs: 20,
      heartbeatTimeoutMs: 40,
    });
    const closed = firstValueFrom(
      client.lifecycle$.pipe(
        filter((event) => event.type === "close"),
        timeout(WAIT_MS),
      ),
    );
    const reopened = openCount(client, 1);

    hub.setHeartbeatReplies(false);
    const close = await closed;
    hub.setHeartbeatReplies(true);
    await reopened;

    expect(close).toMatchObject({
      type: "close",
      code: 1000,
      reason: "heartbeat timeout",
    });
    expect(close.type === "close" && close.error).toBeInstanceOf(
      HeartbeatTimeoutError,
    );
    // What the hub got on the wire, not only what the client reports.
    const closedOnHub = await log.waitFor(
      (record) =>
        record.msg === "connection closed" && record.connectionId === "conn-1",
    );
    expect(closedOnHub).toMatchObject({
      code: 1000,
      reason: "heartbeat timeout",
    });
    expect(hub.connections.map((connection) => connection.id)).toEqual([
      "conn-2",
    ]);
  });

  it("reconnects when the hub restarts on the same port", async () => {
    hub = await startHub();
    const client = await connectTo(hub);
    const port = hub.port;
    const reopened = openCount(client, 1);

    await hub.stop();
    await hub.restart();
    await reopened;

    expect(hub.port).toBe(port);
    expect(client.currentState).toBe("open");
  });

  it("reports a 403 as AuthenticationError and makes no further attempt", async () => {
    const log = hubLog();
    hub = await startHub({ apiKeys: "right", logger: log.logger });
    socket = new PhoenixSocket({
      url: `${hub.url}/debug_socket`,
      params: { api_key: "wrong" },
      reconnectStepsMs: [1],
      jitter: false,
    });
    const refused = firstValueFrom(socket.errors$.pipe(timeout(WAIT_MS)));
    const attempts: string[] = [];
    socket.state$.subscribe((state) => attempts.push(state));
    const lifecycle: string[] = [];
    socket.lifecycle$.subscribe((event) => lifecycle.push(event.type));

    socket.connect();
    const error = await refused;
    // A further attempt would come after 1 ms; the hub sees several
    // round trips in the time of one ping.
    await hub.waitForFrame(() => false, 100).catch(() => undefined);

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe(
      `Authentication refused by ${hub.url}/debug_socket: HTTP 403`,
    );
    expect(attempts.filter((state) => state === "connecting")).toHaveLength(1);
    expect(socket.currentState).toBe("closed");
    // A retry would have been scheduled at the refusal, with an event.
    expect(lifecycle).toEqual(["close"]);
    expect(
      log.records
        .filter((record) => record.msg === "upgrade refused")
        .map((record) => record.status),
    ).toEqual([403]);
  });

  it("logs and drops malformed frames while the connection stays up", async () => {
    hub = await startHub();
    const logger = recordingLogger();
    const client = await connectTo(hub, { logger });
    const decodeErrors = firstValueFrom(
      client.errors$.pipe(take(4), toArray(), timeout(WAIT_MS)),
    );
    const fine = firstValueFrom(
      client.topic$("room:1").pipe(take(1), timeout(WAIT_MS)),
    );

    hub.sendRaw("not json");
    hub.sendRaw('["1","2","room:1"]');
    hub.sendRaw("[1,2,3,4,5]");
    hub.sendRaw(Buffer.from([9, 9, 9]));
    hub.sendRaw('[null,null,"room:1","still_here",{}]');

    const errors = await decodeErrors;
    expect(errors.every((error) => error instanceof FrameDecodeError)).toBe(
      true,
    );
    expect(await fine).toMatchObject({ event: "still_here" });
    expect(client.currentState).toBe("open");
    expect(client.establishedConnections).toBe(1);
    expect(
      logger.records.filter((record) => record.kind === "FRAME:MALFORMED"),
    ).toHaveLength(4);
  });

  it("leaves no handle open after disconnect", async () => {
    const before = activeHandles();
    hub = await startHub();
    const client = await connectTo(hub, { heartbeatIntervalMs: 10 });

    await client.disconnect();
    await hub.close();
    hub = undefined;

    expect(client.currentState).toBe("closed");
    expect(activeHandles()).toEqual(before);
  });

  it("destroys a connection whose peer never answers its close", async () => {
    const deaf = await startDeafServer();
    const before = activeHandles();
    socket = new PhoenixSocket({
      url: `ws://127.0.0.1:${deaf.port}/debug_socket`,
      heartbeatIntervalMs: 20,
      closeTimeoutMs: 50,
      reconnectStepsMs: [10],
      jitter: false,
    });
    const timedOut = firstValueFrom(
      socket.errors$.pipe(
        filter((error) => error instanceof HeartbeatTimeoutError),
        timeout(WAIT_MS),
      ),
    );
    socket.connect();
    await timedOut;
    await socket.disconnect();

    // A destroyed socket lets go of its handle on a later turn of the
    // event loop; one left to `ws` would stay for its 30 s close timeout.
    const left = await handlesBeyond(before, 1_000);
    deaf.stop();

    expect(left).toEqual([]);
  });
});

/**
 * A WebSocket server in a process of its own that accepts connections and
 * then reads nothing from them: heartbeats go unanswered and a close is
 * never acknowledged, as with a hung peer. Being in another process, its
 * sockets do not count among this process's handles.
 */
async function startDeafServer(): Promise<{ port: number; stop(): void }> {
  const script = `
    const { WebSocketServer } = require("ws");
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    server.on("connection", (_peer, request) => request.socket.pause());
    server.on("listening", () => console.log(server.address().port));
  `;
  const child = spawn(process.execPath, ["-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = await once(child.stdout, "data");

  return { port: Number(String(line).trim()), stop: () => child.kill() };
}

/**
 * The handles open now that were not open `before` (a timer of an earlier
 * test may have ended meanwhile), polled until there are none or
 * `withinMs` has passed.
 */
async function handlesBeyond(
  before: string[],
  withinMs: number,
): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  let extra = extraHandles(before);
  while (Date.now() < deadline && extra.length > 0) {
    await new Promise((resolve) => setImmediate(resolve));
    extra = extraHandles(before);
  }

  return extra;
}

function extraHandles(before: string[]): string[] {
  const expected = [...before];

  return activeHandles().filter((handle) => {
    const index = expected.indexOf(handle);
    if (index === -1) return true;

    expected.splice(index, 1);
    return false;
  });
}
