import { describe, expect, it } from "vitest";
import { useHub } from "./support/hub-fixture.js";
import { captureLogs } from "./support/log-capture.js";

const TOPIC = "debug_plugin:demo";

describe("malformed client frames", () => {
  const logs = captureLogs();
  const fixture = useHub({ logger: logs.logger, maxFrameBytes: 1024 });

  // Phoenix's serializer raises on these, which ends the Phoenix socket
  // process: the client sees 1011 and the server serves everyone else.
  it.each([
    ["text that is not JSON", "hello", /not JSON/],
    ["a JSON object", '{"event":"x"}', /JSON array/],
    ["an array shorter than five", '[null,"1","phoenix"]', /JSON array/],
  ])(
    "records %s and closes that connection with 1011",
    async (_l, text, why) => {
      const bystander = await fixture.connect();
      const client = await fixture.connect();

      client.sendText(text);
      const closed = await client.closed;

      expect(closed).toEqual({ code: 1011, reason: "malformed frame" });
      const recorded = fixture.hub.frames.find((f) => f.raw === text);
      expect(recorded).toMatchObject({ direction: "in", binary: false });
      expect(recorded?.error).toMatch(why);
      expect(logs.records).toContainEqual(
        expect.objectContaining({
          msg: "malformed frame: closing the connection with 1011",
          level: 40,
        }),
      );
      await expect(bystander.roundTrip()).resolves.toBeUndefined();
      const next = await fixture.connect();
      await expect(next.roundTrip()).resolves.toBeUndefined();
    },
  );

  it("closes with 1011 on a binary frame that is not a push", async () => {
    const client = await fixture.connect();

    client.sendBinary(Buffer.from([2, 1, 1, 65, 66]));

    expect((await client.closed).code).toBe(1011);
    expect(fixture.hub.frames[0]).toMatchObject({
      direction: "in",
      binary: true,
      raw: "0201014142",
      error: "binary kind 2 is not a client push",
    });
  });

  it("handles nothing a client sends after its fatal frame", async () => {
    const client = await fixture.connect();

    client.sendText("garbage");
    client.send([null, "2", "phoenix", "heartbeat", {}]);
    await client.closed;

    expect(fixture.hub.frames.filter((f) => f.direction === "in")).toEqual([
      expect.objectContaining({ raw: "garbage" }),
    ]);
    expect(client.frames((f) => f[1] === "2")).toEqual([]);
  });

  it("ignores elements after the fifth, as Phoenix's serializer does", async () => {
    const client = await fixture.connect();

    client.sendText('[null,"7","phoenix","heartbeat",{},"extra"]');

    expect((await client.replyTo("7"))[4]).toEqual({
      status: "ok",
      response: {},
    });
  });

  it.each([
    ["a numeric ref", '[null,1,"phoenix","heartbeat",{}]', /ref must be/],
    ["a numeric topic", '[null,"1",5,"heartbeat",{}]', /topic must be/],
  ])(
    "logs, records and drops %s, and keeps the connection",
    async (_l, text, why) => {
      const client = await fixture.connect();

      client.sendText(text);
      await client.roundTrip();

      const recorded = fixture.hub.frames.find((f) => f.raw === text);
      expect(recorded).toMatchObject({ direction: "in", binary: false });
      expect(recorded?.error).toMatch(why);
      expect(logs.records).toContainEqual(
        expect.objectContaining({ msg: "malformed frame dropped", level: 40 }),
      );
    },
  );

  it("answers an unknown event on an unknown topic with unmatched topic", async () => {
    const client = await fixture.connect();

    client.send([null, "3", "nowhere", "whatever", null]);

    expect((await client.replyTo("3"))[4]).toEqual({
      status: "error",
      response: { reason: "unmatched topic" },
    });
  });

  it("closes a connection that sends a frame over maxFrameBytes with 1009", async () => {
    const client = await fixture.connect();
    const jr = await client.join(TOPIC);

    client.send([jr, "2", TOPIC, "big", "x".repeat(2_000)]);

    expect((await client.closed).code).toBe(1009);
    expect(logs.records).toContainEqual(
      expect.objectContaining({
        msg: "connection error",
        code: "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH",
      }),
    );
    const next = await fixture.connect();
    await expect(next.roundTrip()).resolves.toBeUndefined();
  });

  it("closes a connection on invalid UTF-8 text with 1007", async () => {
    const client = await fixture.connect();

    client.ws.send(Buffer.from([0xff, 0xfe]), { binary: false });

    expect((await client.closed).code).toBe(1007);
    const next = await fixture.connect();
    await expect(next.roundTrip()).resolves.toBeUndefined();
  });
});
