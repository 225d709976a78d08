import { describe, expect, it } from "vitest";
import { useHub } from "./support/hub-fixture.js";
import { socketUrl, upgradeStatus } from "./support/raw-client.js";

const TOPIC = "debug_plugin:demo";

describe("fault injection", () => {
  const fixture = useHub();

  it("dropConnections destroys sockets without a close frame (1006)", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);

    fixture.hub.dropConnections();

    expect((await client.closed).code).toBe(1006);
    await expect
      .poll(() => fixture.hub.connections.length, { timeout: 2_000 })
      .toBe(0);
  });

  it("closeConnections sends a close frame with the given code and reason", async () => {
    const client = await fixture.connect();

    fixture.hub.closeConnections(4001, "maintenance");

    expect(await client.closed).toEqual({ code: 4001, reason: "maintenance" });
  });

  it("closeConnections defaults to code 1000", async () => {
    const client = await fixture.connect();

    fixture.hub.closeConnections();

    expect((await client.closed).code).toBe(1000);
  });

  it("setHeartbeatReplies(false) records heartbeats but leaves them unanswered", async () => {
    const client = await fixture.connect();
    const jr = await client.join(TOPIC);

    fixture.hub.setHeartbeatReplies(false);
    client.send([null, "hb", "phoenix", "heartbeat", {}]);
    client.send([jr, "after", TOPIC, "ping", {}]);
    await client.replyTo("after");

    expect(client.frames((f) => f[1] === "hb")).toEqual([]);
    expect(fixture.hub.frames.some((f) => f.ref === "hb")).toBe(true);

    fixture.hub.setHeartbeatReplies(true);
    client.send([null, "hb2", "phoenix", "heartbeat", {}]);
    await expect(client.replyTo("hb2")).resolves.toBeDefined();
  });

  it("setReplyDelay holds every phx_reply back until the delay passed", async () => {
    const client = await fixture.connect();
    const delayMs = 60;
    fixture.hub.setReplyDelay(delayMs);

    const startedAt = performance.now();
    client.send(["1", "1", TOPIC, "phx_join", {}]);
    await fixture.hub.waitForFrame((f) => f.event === "phx_join");
    const answeredAtOnce = fixture.hub.frames.some(
      (f) => f.direction === "out" && f.ref === "1",
    );
    await client.replyTo("1");

    expect(answeredAtOnce).toBe(false);
    // Node timers may fire up to 1 ms early; the bound allows for that.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(delayMs - 1);
  });

  it("setReplyDelay keeps a leave's phx_close behind its delayed reply", async () => {
    const client = await fixture.connect();
    const jr = await client.join(TOPIC);
    fixture.hub.setReplyDelay(20);

    client.send([jr, "2", TOPIC, "phx_leave", {}]);
    await client.nextFrame((f) => f[3] === "phx_close");

    const events = client.received.map(
      (r) => `${r.frame?.[1]} ${r.frame?.[3]}`,
    );
    expect(events.slice(-2)).toEqual(["2 phx_reply", `${jr} phx_close`]);
  });

  it("setReplyDelay rejects a negative delay", () => {
    expect(() => fixture.hub.setReplyDelay(-1)).toThrow(
      "Reply delay must be a finite number >= 0, got -1",
    );
  });

  it("crashChannel sends phx_error and forgets the join", async () => {
    const client = await fixture.connect();
    const jr = await client.join(TOPIC);
    client.send([jr, "2", TOPIC, "register_plugin", { name: "demo" }]);
    await client.replyTo("2");

    fixture.hub.crashChannel(TOPIC);
    const error = await client.nextFrame((f) => f[3] === "phx_error");
    client.send([jr, "3", TOPIC, "ping", {}]);

    expect(error).toEqual([jr, jr, TOPIC, "phx_error", {}]);
    expect((await client.replyTo("3"))[4]).toEqual({
      status: "error",
      response: { reason: "unmatched topic" },
    });
    expect(fixture.hub.plugins.has(TOPIC)).toBe(false);
  });

  it("crashChannel throws HubTopicNotJoinedError for a topic no one joined", () => {
    expect(() => fixture.hub.crashChannel("debug_plugin:none")).toThrow(
      "Cannot crash on debug_plugin:none: no connection has joined it",
    );
  });

  it("sendRaw sends text as it is and records it with raw", async () => {
    const client = await fixture.connect();

    fixture.hub.sendRaw("not a frame", fixture.hub.connections[0]?.id);
    const received = await client.next((r) => !r.binary);

    expect(received.data.toString()).toBe("not a frame");
    expect(fixture.hub.frames.at(-1)).toMatchObject({
      direction: "out",
      raw: "not a frame",
      binary: false,
    });
  });

  it.each([
    ["not JSON", "{not json"],
    ["wrong arity", '[null,null,"debug_plugin:demo"]'],
    ["wrong types", "[1,2,3,4,5]"],
    ["an unknown topic", '[null,null,"room:nobody","news",{}]'],
  ])("sendRaw delivers a frame with %s byte for byte", async (_l, text) => {
    const client = await fixture.connect();

    fixture.hub.sendRaw(text);
    const received = await client.next((r) => !r.binary);

    expect(received.data.toString("utf8")).toBe(text);
  });

  it("sendRaw without a connection id sends bytes to every connection", async () => {
    const first = await fixture.connect();
    const second = await fixture.connect();

    fixture.hub.sendRaw(Buffer.from([1, 2]));

    for (const client of [first, second]) {
      const received = await client.next((r) => r.binary);
      expect([...received.data]).toEqual([1, 2]);
    }
    expect(fixture.hub.frames.at(-1)).toMatchObject({ raw: "0102" });
  });

  it("sendRaw throws for an unknown connection id", () => {
    expect(() => fixture.hub.sendRaw("x", "conn-999")).toThrow(
      "No open connection conn-999",
    );
  });

  it("refuseUpgrades answers every upgrade with the status until reset", async () => {
    const url = socketUrl(fixture.hub);

    fixture.hub.refuseUpgrades(503);
    const refused = await upgradeStatus(url);
    fixture.hub.refuseUpgrades(null);
    const accepted = await upgradeStatus(url);

    expect(refused).toBe(503);
    expect(accepted).toBe(101);
  });

  it("refuseUpgrades rejects a status that is not an HTTP status", () => {
    expect(() => fixture.hub.refuseUpgrades(42)).toThrow(
      "Refusal status must be an HTTP status 200-599 or null, got 42",
    );
  });
});

describe("server pushes", () => {
  const fixture = useHub();

  it("push sends [join_ref, null, topic, event, payload] to the joined channel", async () => {
    const client = await fixture.connect();
    const jr = await client.join(TOPIC);

    fixture.hub.push(TOPIC, "notice", { n: 1 });

    expect(await client.nextFrame((f) => f[3] === "notice")).toEqual([
      jr,
      null,
      TOPIC,
      "notice",
      { n: 1 },
    ]);
  });

  it("push throws HubTopicNotJoinedError when no one joined the topic", () => {
    expect(() => fixture.hub.push("room:x", "e", {})).toThrow(
      "Cannot push e on room:x: no connection has joined it",
    );
  });

  it("broadcast sends [null, null, topic, event, payload] to every joiner", async () => {
    const first = await fixture.connect();
    const second = await fixture.connect();
    await first.join(TOPIC);
    await second.join(TOPIC);

    const count = fixture.hub.broadcast(TOPIC, "news", { v: 2 });

    expect(count).toBe(2);
    for (const client of [first, second]) {
      expect(await client.nextFrame((f) => f[3] === "news")).toEqual([
        null,
        null,
        TOPIC,
        "news",
        { v: 2 },
      ]);
    }
  });

  it("broadcast to a topic no one joined reaches no one", () => {
    expect(fixture.hub.broadcast("room:x", "news", {})).toBe(0);
  });

  it("pushBinary sends a kind 0 frame with the join_ref", async () => {
    const client = await fixture.connect();
    const jr = await client.join(TOPIC);

    fixture.hub.pushBinary(TOPIC, "bin", new Uint8Array([9]));
    const received = await client.next((r) => r.binary);

    const header = [0, jr.length, TOPIC.length, 3];
    expect([...received.data]).toEqual([
      ...header,
      ...Buffer.from(`${jr}${TOPIC}bin`),
      9,
    ]);
  });

  it("broadcastBinary sends a kind 2 frame", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);

    fixture.hub.broadcastBinary(TOPIC, "b", new Uint8Array([1, 2]).buffer);
    const received = await client.next((r) => r.binary);

    expect([...received.data]).toEqual([
      2,
      TOPIC.length,
      1,
      ...Buffer.from(`${TOPIC}b`),
      1,
      2,
    ]);
  });
});
