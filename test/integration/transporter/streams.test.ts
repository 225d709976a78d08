import { filter, firstValueFrom, take, timeout, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { ConnectionError } from "../../../src/errors.js";
import { firstOf, useHub, WAIT_MS } from "./fixture.js";

const TOPIC = "debug_plugin:streams";

describe("Transporter streams", () => {
  const harness = useHub();

  it("state$ goes closed, connecting, open on connect and back to closed on dispose", async () => {
    const transporter = harness.transporter();
    const states: string[] = [];
    transporter.state$.subscribe((state) => states.push(state));

    const { dispose } = await transporter.connect(TOPIC);
    expect(states).toEqual(["closed", "connecting", "open"]);
    await dispose();

    expect(states).toEqual([
      "closed",
      "connecting",
      "open",
      "closing",
      "closed",
    ]);
  });

  it("messages$ emits the join reply and the hub's pushes, decoded", async () => {
    const transporter = harness.transporter();
    const pushed = firstOf(
      transporter.messages$,
      (message) => message.event === "news",
    );
    const joinReply = firstOf(
      transporter.messages$,
      (message) => message.event === "phx_reply",
    );

    await transporter.connect(TOPIC);
    harness.hub.push(TOPIC, "news", { headline: "hello" });

    expect(await joinReply).toMatchObject({
      topic: TOPIC,
      payload: { status: "ok", response: {} },
    });
    expect(await pushed).toMatchObject({
      join_ref: expect.any(String),
      ref: null,
      topic: TOPIC,
      event: "news",
      payload: { headline: "hello" },
    });
  });

  it("heartbeat$ emits each heartbeat sent and acknowledged at a short interval", async () => {
    const transporter = harness.transporter({ heartbeatIntervalMs: 20 });
    const beats = firstValueFrom(
      transporter.heartbeat$.pipe(take(6), toArray(), timeout(WAIT_MS)),
    );

    await transporter.connect(TOPIC);

    const events = await beats;
    expect(events.map((event) => event.type)).toEqual([
      "sent",
      "acknowledged",
      "sent",
      "acknowledged",
      "sent",
      "acknowledged",
    ]);
    const heartbeats = harness.hub.frames.filter(
      (frame) => frame.direction === "in" && frame.event === "heartbeat",
    );
    expect(heartbeats.map((frame) => frame.ref)).toEqual(
      expect.arrayContaining(events.map((event) => event.ref)),
    );
  });

  it("heartbeat$ reports a timeout, then the socket reconnects", async () => {
    const transporter = harness.transporter({ heartbeatIntervalMs: 30 });
    await transporter.connect(TOPIC);
    const timedOut = firstOf(
      transporter.heartbeat$,
      (event) => event.type === "timeout",
    );
    const reopened = firstOf(
      transporter.lifecycle$,
      (event) => event.type === "open",
    );

    harness.hub.setHeartbeatReplies(false);
    const event = await timedOut;
    harness.hub.setHeartbeatReplies(true);

    expect(event).toMatchObject({ type: "timeout", timeoutMs: 30 });
    expect(await reopened).toMatchObject({ establishedConnections: 2 });
  });

  it("errors$ and lifecycle$ report a dropped connection, then the reconnect", async () => {
    const transporter = harness.transporter();
    await transporter.connect(TOPIC);
    const error = firstOf(transporter.errors$);
    const lifecycle = firstValueFrom(
      transporter.lifecycle$.pipe(
        filter((event) => event.type !== "open" || event.connectionId === 2),
        take(3),
        toArray(),
        timeout(WAIT_MS),
      ),
    );

    harness.hub.dropConnections();

    expect(await error).toBeInstanceOf(ConnectionError);
    expect(await lifecycle).toMatchObject([
      { type: "close", connectionId: 1, code: 1006 },
      { type: "reconnecting", attempt: 1, delayMs: 10 },
      { type: "open", connectionId: 2, establishedConnections: 2 },
    ]);
  });
});
