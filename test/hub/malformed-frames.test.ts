import { describe, expect, it } from "vitest";
import { useHub } from "./support/hub-fixture.js";
import { captureLogs } from "./support/log-capture.js";

const TOPIC = "debug_plugin:demo";

describe("malformed client frames", () => {
  const logs = captureLogs();
  const fixture = useHub({ logger: logs.logger, maxFrameBytes: 1024 });

  it.each([
    ["text that is not JSON", "hello", /not JSON/],
    ["a JSON object", '{"event":"x"}', /JSON array/],
    ["an array of the wrong arity", '[null,"1","phoenix"]', /JSON array/],
    ["a numeric ref", '[null,1,"phoenix","heartbeat",{}]', /ref must be/],
    ["a numeric topic", '[null,"1",5,"heartbeat",{}]', /topic must be/],
  ])("logs and records %s, and keeps the connection", async (_l, text, why) => {
    const client = await fixture.connect();

    client.sendText(text);
    await client.roundTrip();

    const recorded = fixture.hub.frames.find((f) => f.raw === text);
    expect(recorded).toMatchObject({ direction: "in", binary: false });
    expect(recorded?.error).toMatch(why);
    expect(logs.records).toContainEqual(
      expect.objectContaining({ msg: "malformed frame ignored", level: 40 }),
    );
  });

  it("logs and records a binary frame that is not a client push", async () => {
    const client = await fixture.connect();

    client.sendBinary(Buffer.from([2, 1, 1, 65, 66]));
    await client.roundTrip();

    expect(fixture.hub.frames[0]).toMatchObject({
      direction: "in",
      binary: true,
      raw: "0201014142",
      error: "binary kind 2 is not a client push",
    });
  });

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
});
