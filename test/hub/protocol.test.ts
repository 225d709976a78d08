import { describe, expect, it } from "vitest";
import { useHub } from "./support/hub-fixture.js";

const TOPIC = "debug_plugin:demo";

describe("hub protocol: joins, leaves, heartbeats", () => {
  const fixture = useHub();

  it("answers a join with phx_reply ok carrying join_ref and ref", async () => {
    const client = await fixture.connect();

    client.send(["1", "1", TOPIC, "phx_join", { token: "t" }]);

    expect(await client.replyTo("1")).toEqual([
      "1",
      "1",
      TOPIC,
      "phx_reply",
      { status: "ok", response: {} },
    ]);
    expect(fixture.hub.connections[0]?.topics).toEqual([TOPIC]);
  });

  it("answers a join with the configured accept response", async () => {
    fixture.hub.setJoinBehavior(TOPIC, {
      kind: "accept",
      response: { welcome: true },
    });
    const client = await fixture.connect();

    client.send(["1", "1", TOPIC, "phx_join", {}]);

    expect((await client.replyTo("1"))[4]).toEqual({
      status: "ok",
      response: { welcome: true },
    });
  });

  it("rejects a join with {status: error, response: {reason}}", async () => {
    fixture.hub.setJoinBehavior(/^debug_plugin:/, {
      kind: "reject",
      reason: "unauthorized",
    });
    const client = await fixture.connect();

    client.send(["1", "1", TOPIC, "phx_join", {}]);

    expect((await client.replyTo("1"))[4]).toEqual({
      status: "error",
      response: { reason: "unauthorized" },
    });
    expect(fixture.hub.connections[0]?.topics).toEqual([]);
  });

  it("lets the most recent matching join rule win", async () => {
    fixture.hub.setJoinBehavior(/./, { kind: "reject", reason: "all" });
    fixture.hub.setJoinBehavior(TOPIC, { kind: "accept" });
    const client = await fixture.connect();

    await expect(client.join(TOPIC)).resolves.toBe("1");
    await expect(client.join("debug_plugin:other")).rejects.toThrow(/all/);
  });

  it("leaves a join unanswered when the behavior is ignore", async () => {
    fixture.hub.setJoinBehavior(TOPIC, { kind: "ignore" });
    const client = await fixture.connect();

    client.send(["1", "1", TOPIC, "phx_join", {}]);
    await client.roundTrip();

    expect(client.frames((f) => f[1] === "1")).toEqual([]);
    expect(fixture.hub.connections[0]?.topics).toEqual([]);
  });

  it("answers a heartbeat with phx_reply ok on topic phoenix", async () => {
    const client = await fixture.connect();

    client.send([null, "7", "phoenix", "heartbeat", {}]);

    expect(await client.replyTo("7")).toEqual([
      null,
      "7",
      "phoenix",
      "phx_reply",
      { status: "ok", response: {} },
    ]);
  });

  it("answers a leave with phx_reply ok, then phx_close with the join_ref", async () => {
    const client = await fixture.connect();
    const joinRef = await client.join(TOPIC);

    client.send([joinRef, "2", TOPIC, "phx_leave", {}]);
    const close = await client.nextFrame((f) => f[3] === "phx_close");

    const replyIndex = client.received.findIndex((r) => r.frame?.[1] === "2");
    const closeIndex = client.received.findIndex(
      (r) => r.frame?.[3] === "phx_close",
    );
    expect(client.received[replyIndex]?.frame?.[4]).toEqual({
      status: "ok",
      response: {},
    });
    expect(closeIndex).toBeGreaterThan(replyIndex);
    expect(close).toEqual([joinRef, joinRef, TOPIC, "phx_close", {}]);
    expect(fixture.hub.connections[0]?.topics).toEqual([]);
  });

  it("acknowledges a leave of a topic that is not joined, as Phoenix does", async () => {
    const client = await fixture.connect();

    client.send(["5", "6", TOPIC, "phx_leave", {}]);

    expect((await client.replyTo("6"))[4]).toEqual({
      status: "ok",
      response: {},
    });
    await client.roundTrip();
    expect(client.frames((f) => f[3] === "phx_close")).toEqual([]);
  });

  it("answers a push to a topic that is not joined with unmatched topic", async () => {
    const client = await fixture.connect();

    client.send(["9", "10", "debug_plugin:nobody", "ping", {}]);

    expect(await client.replyTo("10")).toEqual([
      null,
      "10",
      "debug_plugin:nobody",
      "phx_reply",
      { status: "error", response: { reason: "unmatched topic" } },
    ]);
  });

  it("answers a second join, then closes the older join with phx_close", async () => {
    const client = await fixture.connect();
    const firstJoinRef = await client.join(TOPIC);

    client.send(["2", "2", TOPIC, "phx_join", {}]);
    await client.nextFrame((f) => f[3] === "phx_close");

    const afterFirstJoin = client.received.slice(1).map((r) => r.frame);
    expect(afterFirstJoin).toEqual([
      ["2", "2", TOPIC, "phx_reply", { status: "ok", response: {} }],
      [firstJoinRef, firstJoinRef, TOPIC, "phx_close", {}],
    ]);
    expect(fixture.hub.connections[0]?.topics).toEqual([TOPIC]);
  });

  it("closes the older join after a rejected second join", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);
    fixture.hub.setJoinBehavior(TOPIC, { kind: "reject", reason: "no" });

    client.send(["2", "2", TOPIC, "phx_join", {}]);
    await client.nextFrame((f) => f[3] === "phx_close");

    const events = client.received.map(
      (r) => `${r.frame?.[1]} ${r.frame?.[3]}`,
    );
    expect(events).toEqual(["1 phx_reply", "2 phx_reply", "1 phx_close"]);
    expect(fixture.hub.connections[0]?.topics).toEqual([]);
  });

  it("closes the older join at once when the second join is ignored", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);
    fixture.hub.setJoinBehavior(TOPIC, { kind: "ignore" });

    client.send(["2", "2", TOPIC, "phx_join", {}]);
    await client.roundTrip();

    expect(client.frames((f) => f[3] === "phx_close")).toEqual([
      ["1", "1", TOPIC, "phx_close", {}],
    ]);
    expect(client.frames((f) => f[1] === "2")).toEqual([]);
  });

  it("delivers a stale-join_ref push, replying with the current join_ref", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);
    client.send(["2", "2", TOPIC, "phx_join", {}]);
    await client.replyTo("2");

    client.send(["1", "3", TOPIC, "ping", { a: 1 }]);

    expect(await client.replyTo("3")).toEqual([
      "2",
      "3",
      TOPIC,
      "phx_reply",
      { status: "ok", response: { a: 1 } },
    ]);
  });

  it("records a frame stamped with a stale join_ref with stale: true", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);
    client.send(["2", "2", TOPIC, "phx_join", {}]);
    client.send(["2", "3", TOPIC, "current", {}]);
    client.send(["1", "4", TOPIC, "old", {}]);
    await client.replyTo("4");

    const inbound = fixture.hub.frames.filter((f) => f.direction === "in");
    expect(inbound.map((f) => [f.event, f.stale])).toEqual([
      ["phx_join", undefined],
      ["phx_join", undefined],
      ["current", undefined],
      ["old", true],
    ]);
  });

  it("ignores a phx_leave stamped with a stale join_ref", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);
    client.send(["2", "2", TOPIC, "phx_join", {}]);
    await client.replyTo("2");

    client.send(["1", "3", TOPIC, "phx_leave", {}]);
    await client.roundTrip();

    expect(client.frames((f) => f[1] === "3")).toEqual([]);
    expect(fixture.hub.connections[0]?.topics).toEqual([TOPIC]);
    expect(fixture.hub.frames.find((f) => f.ref === "3")?.stale).toBe(true);
  });

  it("echoes an unknown custom event in an ok reply", async () => {
    const client = await fixture.connect();
    const joinRef = await client.join(TOPIC);

    client.send([joinRef, "2", TOPIC, "anything", { n: [1, 2] }]);

    expect(await client.replyTo("2")).toEqual([
      joinRef,
      "2",
      TOPIC,
      "phx_reply",
      { status: "ok", response: { n: [1, 2] } },
    ]);
  });

  it("answers a binary push with a JSON reply stating its size", async () => {
    const client = await fixture.connect();
    const joinRef = await client.join(TOPIC);
    const header = Buffer.from(`${joinRef}5${TOPIC}blob`);
    const sizes = [joinRef.length, 1, TOPIC.length, 4];

    client.sendBinary(
      Buffer.concat([Buffer.from([0, ...sizes]), header, Buffer.from([1, 2])]),
    );

    expect((await client.replyTo("5"))[4]).toEqual({
      status: "ok",
      response: { byte_length: 2 },
    });
    const recorded = await fixture.hub.waitForFrame((f) => f.event === "blob");
    expect(recorded).toMatchObject({ direction: "in", binary: true, ref: "5" });
  });

  it("records every frame in and out, in order", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);
    await client.roundTrip();

    const summary = fixture.hub.frames.map(
      (f) => `${f.direction} ${f.topic} ${f.event}`,
    );
    expect(summary).toEqual([
      `in ${TOPIC} phx_join`,
      `out ${TOPIC} phx_reply`,
      "in phoenix heartbeat",
      "out phoenix phx_reply",
    ]);
    expect(fixture.hub.frames[0]?.connectionId).toBe("conn-1");
  });

  it("clears the recorded frames on clearFrames", async () => {
    const client = await fixture.connect();
    await client.roundTrip();

    fixture.hub.clearFrames();

    expect(fixture.hub.frames).toEqual([]);
  });

  it("resolves waitForFrame with an already recorded frame", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);

    const frame = await fixture.hub.waitForFrame((f) => f.event === "phx_join");

    expect(frame).toMatchObject({ direction: "in", topic: TOPIC, ref: "1" });
  });

  it("rejects waitForFrame with HubWaitTimeoutError when nothing matches", async () => {
    await expect(
      fixture.hub.waitForFrame((f) => f.event === "never", 20),
    ).rejects.toMatchObject({
      name: "HubWaitTimeoutError",
      code: "hub:wait_timeout",
      message: "No matching frame recorded within 20 ms",
    });
  });
});

describe("hub protocol with staleJoinRef: unmatched", () => {
  const fixture = useHub({ staleJoinRef: "unmatched" });

  it("answers a push stamped with a stale join_ref with unmatched topic", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);
    client.send(["2", "2", TOPIC, "phx_join", {}]);
    await client.replyTo("2");

    client.send(["1", "3", TOPIC, "ping", {}]);

    expect(await client.replyTo("3")).toEqual([
      null,
      "3",
      TOPIC,
      "phx_reply",
      { status: "error", response: { reason: "unmatched topic" } },
    ]);
  });

  it("still ignores a stale phx_leave", async () => {
    const client = await fixture.connect();
    await client.join(TOPIC);
    client.send(["2", "2", TOPIC, "phx_join", {}]);
    await client.replyTo("2");

    client.send(["1", "3", TOPIC, "phx_leave", {}]);
    await client.roundTrip();

    expect(client.frames((f) => f[1] === "3")).toEqual([]);
    expect(fixture.hub.connections[0]?.topics).toEqual([TOPIC]);
  });
});
