import { filter, firstValueFrom, take, toArray } from "rxjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHub, type TestHub } from "../../src/hub/index.js";
import {
  disconnectAll,
  join,
  nextMessage,
  phoenixSocket,
  pushAndReply,
} from "./support/phoenix-client.js";

const TOPIC = "debug_plugin:demo";
const API_KEY = "interop-key";

describe("phoenix.js against the hub", () => {
  let hub: TestHub;

  beforeEach(async () => {
    hub = await startHub({ apiKeys: API_KEY });
  });

  afterEach(async () => {
    await disconnectAll();
    await hub.close();
  });

  function connectedSocket(options = {}) {
    const socket = phoenixSocket(hub, {
      params: { api_key: API_KEY },
      ...options,
    });
    socket.connect();
    return socket;
  }

  it("connects to the debug socket with vsn 2.0.0 and the api_key", async () => {
    const socket = phoenixSocket(hub, { params: { api_key: API_KEY } });
    const opened = new Promise<void>((resolve) => socket.onOpen(resolve));

    socket.connect();
    await opened;

    expect(hub.connections).toEqual([
      expect.objectContaining({
        mode: "debug",
        params: { api_key: API_KEY, vsn: "2.0.0" },
      }),
    ]);
  });

  it("joins with ok and the configured response", async () => {
    hub.setJoinBehavior(TOPIC, { kind: "accept", response: { hello: 1 } });
    const channel = connectedSocket().channel(TOPIC, { version: "1" });

    const response = await join(channel);

    expect(response).toEqual({ hello: 1 });
    expect(channel.state).toBe("joined");
    expect(hub.frames[0]).toMatchObject({
      event: "phx_join",
      payload: { version: "1" },
    });
  });

  it("receives a join error with the reason", async () => {
    hub.setJoinBehavior(TOPIC, { kind: "reject", reason: "not allowed" });
    const channel = connectedSocket().channel(TOPIC);

    await expect(join(channel)).rejects.toThrow(
      'join error: {"reason":"not allowed"}',
    );
  });

  it("gets the reply to a push", async () => {
    const channel = connectedSocket().channel(TOPIC);
    await join(channel);

    const reply = await pushAndReply(channel, "echo_me", { n: 7 });

    expect(reply).toEqual({ status: "ok", response: { n: 7 } });
  });

  it("receives server pushes and broadcasts on the channel", async () => {
    const channel = connectedSocket().channel(TOPIC);
    await join(channel);

    const pushed = nextMessage(channel, "notice");
    hub.push(TOPIC, "notice", { kind: "push" });
    const broadcasted = nextMessage(channel, "news");
    hub.broadcast(TOPIC, "news", { kind: "broadcast" });

    expect(await pushed).toEqual({ kind: "push" });
    expect(await broadcasted).toEqual({ kind: "broadcast" });
  });

  it("answers a hub request from the channel", async () => {
    const channel = connectedSocket().channel(TOPIC);
    await join(channel);
    channel.on("invoke_tool", ({ request_id, data }) => {
      channel.push("invoke_tool_response", { request_id, data: { got: data } });
    });

    const result = await hub.request(TOPIC, "invoke_tool", { tool_name: "t" });

    expect(result).toEqual({ ok: true, data: { got: { tool_name: "t" } } });
  });

  it("keeps one connection over several heartbeat intervals", async () => {
    const replies$ = hub.frames$.pipe(
      filter((f) => f.direction === "out" && f.topic === "phoenix"),
      take(3),
      toArray(),
    );
    const threeReplies = firstValueFrom(replies$);

    const socket = connectedSocket({ heartbeatIntervalMs: 20 });
    const replies = await threeReplies;

    expect(replies.map((f) => f.connectionId)).toEqual([
      "conn-1",
      "conn-1",
      "conn-1",
    ]);
    expect(replies.every((f) => f.event === "phx_reply")).toBe(true);
    expect(socket.isConnected()).toBe(true);
    expect(hub.connections.map((c) => c.id)).toEqual(["conn-1"]);
  });

  it("reconnects when heartbeats go unanswered", async () => {
    hub.setHeartbeatReplies(false);
    const channel = connectedSocket({ heartbeatIntervalMs: 20 }).channel(TOPIC);
    await join(channel);

    const rejoined = await hub.waitForFrame(
      (f) => f.connectionId === "conn-2" && f.event === "phx_join",
    );

    expect(rejoined.topic).toBe(TOPIC);
  });

  it("leaves: the hub replies ok, then closes the channel", async () => {
    const channel = connectedSocket().channel(TOPIC);
    await join(channel);
    const closed = new Promise<void>((resolve) => channel.onClose(resolve));

    const status = await new Promise<string>((resolve) => {
      const push = channel.leave();
      for (const outcome of ["ok", "error", "timeout"] as const) {
        push.receive(outcome, () => resolve(outcome));
      }
    });
    await closed;
    await hub.waitForFrame((f) => f.event === "phx_close");

    const out = hub.frames.filter((f) => f.direction === "out");
    const leave = hub.frames.find((f) => f.event === "phx_leave");
    expect(status).toBe("ok");
    expect(out.slice(-2)).toEqual([
      expect.objectContaining({ event: "phx_reply", ref: leave?.ref }),
      expect.objectContaining({ event: "phx_close", topic: TOPIC }),
    ]);
    expect(channel.state).toBe("closed");
    expect(hub.connections[0]?.topics).toEqual([]);
  });

  it("a second channel on the topic: phoenix.js leaves the first", async () => {
    const socket = connectedSocket();
    const first = socket.channel(TOPIC);
    await join(first);
    const firstClosed = new Promise<void>((resolve) => first.onClose(resolve));

    const second = socket.channel(TOPIC);
    await join(second);
    await firstClosed;

    expect(first.state).toBe("closed");
    expect(second.state).toBe("joined");
    expect(hub.connections[0]?.topics).toEqual([TOPIC]);
    const reply = await pushAndReply(second, "still_here", { n: 1 });
    expect(reply).toEqual({ status: "ok", response: { n: 1 } });
  });

  it("disconnecting closes the connection on the hub", async () => {
    const socket = connectedSocket();
    await join(socket.channel(TOPIC));

    await new Promise<void>((resolve) => socket.disconnect(resolve));

    await expect.poll(() => hub.connections.length).toBe(0);
  });

  it("a bad api_key fires onError and never onOpen", async () => {
    const socket = phoenixSocket(hub, { params: { api_key: "wrong" } });
    let opened = false;
    socket.onOpen(() => {
      opened = true;
    });
    let errors = 0;
    const threeErrors = new Promise<void>((resolve) =>
      socket.onError(() => {
        errors += 1;
        if (errors === 3) resolve();
      }),
    );

    socket.connect();
    await threeErrors;

    expect(opened).toBe(false);
    expect(hub.connections).toEqual([]);
  });

  it("reconnects and rejoins after the hub drops the connection", async () => {
    const channel = connectedSocket().channel(TOPIC);
    await join(channel);

    hub.dropConnections();
    await hub.waitForFrame(
      (f) =>
        f.connectionId === "conn-2" &&
        f.event === "phx_reply" &&
        f.topic === TOPIC,
    );
    const reply = await pushAndReply(channel, "after_rejoin", { ok: 1 });

    expect(reply).toEqual({ status: "ok", response: { ok: 1 } });
    expect(hub.connections.map((c) => c.id)).toEqual(["conn-2"]);
  });

  it("rejoins after the hub crashes the channel", async () => {
    const channel = connectedSocket().channel(TOPIC);
    await join(channel);
    const errored = new Promise<void>((resolve) => channel.onError(resolve));

    hub.crashChannel(TOPIC);
    await errored;
    const rejoin = await hub.waitForFrame(
      (f) => f.event === "phx_join" && f.joinRef !== hub.frames[0]?.joinRef,
    );

    expect(rejoin).toMatchObject({ connectionId: "conn-1", topic: TOPIC });
  });

  it("reconnects and rejoins when the hub restarts on the same port", async () => {
    const channel = connectedSocket().channel(TOPIC);
    await join(channel);
    const { url } = hub;

    await hub.stop();
    await hub.restart();
    await hub.waitForFrame(
      (f) =>
        f.event === "phx_reply" &&
        f.topic === TOPIC &&
        f.connectionId !== "conn-1",
    );
    const reply = await pushAndReply(channel, "after_restart", {});

    expect(hub.url).toBe(url);
    expect(reply.status).toBe("ok");
  });

  it("pushes binary: the hub decodes the ArrayBuffer and replies in JSON", async () => {
    const channel = connectedSocket().channel(TOPIC);
    await join(channel);
    const bytes = new Uint8Array([1, 2, 3, 250]);

    const reply = await pushAndReply(
      channel,
      "upload",
      bytes.buffer as unknown as object,
    );
    const recorded = await hub.waitForFrame((f) => f.event === "upload");

    expect(reply).toEqual({ status: "ok", response: { byte_length: 4 } });
    expect(recorded.binary).toBe(true);
    expect([...new Uint8Array(recorded.payload as ArrayBuffer)]).toEqual([
      ...bytes,
    ]);
  });

  it("receives a binary push from the hub as an ArrayBuffer", async () => {
    const channel = connectedSocket().channel(TOPIC);
    await join(channel);

    const received = nextMessage(channel, "download");
    hub.pushBinary(TOPIC, "download", new Uint8Array([9, 8, 7]));
    const payload = await received;

    expect(payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(payload as ArrayBuffer)]).toEqual([9, 8, 7]);
  });
});
