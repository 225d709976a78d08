import { type SerializedMessage, Serializer } from "phoenix";
import { describe, expect, it } from "vitest";
import {
  decodeClientFrame,
  encodeServerMessage,
} from "../../src/hub/frame-codec.js";

function phoenixDecode(data: string | Buffer): SerializedMessage {
  const frame =
    typeof data === "string"
      ? data
      : data.buffer.slice(data.byteOffset, data.byteOffset + data.length);
  return Serializer.decode(frame as string | ArrayBuffer, (m) => m);
}

function phoenixEncode(message: SerializedMessage): string | ArrayBuffer {
  return Serializer.encode(message, (frame) => frame);
}

describe("decodeClientFrame", () => {
  it("decodes a JSON frame phoenix.js encoded", () => {
    const text = phoenixEncode({
      join_ref: "1",
      ref: "2",
      topic: "debug_plugin:x",
      event: "ping",
      payload: { n: 1 },
    }) as string;

    expect(decodeClientFrame(Buffer.from(text), false)).toEqual({
      ok: true,
      message: {
        joinRef: "1",
        ref: "2",
        topic: "debug_plugin:x",
        event: "ping",
        payload: { n: 1 },
      },
    });
  });

  it("decodes a binary client push phoenix.js encoded", () => {
    const bytes = phoenixEncode({
      join_ref: "12",
      ref: "345",
      topic: "debug_plugin:é",
      event: "upload",
      payload: new Uint8Array([7, 8, 9]).buffer,
    }) as ArrayBuffer;

    const decoded = decodeClientFrame(Buffer.from(bytes), true);

    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.message).toMatchObject({
      joinRef: "12",
      ref: "345",
      topic: "debug_plugin:é",
      event: "upload",
    });
    expect(decoded.message.payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(decoded.message.payload as ArrayBuffer)]).toEqual(
      [7, 8, 9],
    );
  });

  it.each([
    ["not JSON", "{oops", /not JSON/],
    ["an object", '{"topic":"x"}', /JSON array/],
    ["an array of four", '["1","1","t","e"]', /JSON array/],
  ])("rejects %s as fatal, as Phoenix's serializer raises", (_l, text, why) => {
    const decoded = decodeClientFrame(Buffer.from(text), false);

    expect(decoded).toEqual({
      ok: false,
      fatal: true,
      error: expect.any(String),
    });
    expect(decoded.ok ? "" : decoded.error).toMatch(why);
  });

  it.each([
    ["a numeric ref", '["1",2,"t","e",{}]', /ref must be a string or null/],
    ["a numeric join_ref", '[1,"2","t","e",{}]', /join_ref must be/],
    ["an empty topic", '[null,"1","","e",{}]', /topic must be/],
    ["a non-string event", '[null,"1","t",5,{}]', /event must be/],
  ])("rejects %s as not fatal, with a reason", (_label, text, reason) => {
    const decoded = decodeClientFrame(Buffer.from(text), false);

    expect(decoded).toEqual({
      ok: false,
      fatal: false,
      error: expect.any(String),
    });
    expect(decoded.ok ? "" : decoded.error).toMatch(reason);
  });

  it("ignores the elements of a JSON array after the fifth", () => {
    const text = '["1","2","t","e",{"n":1},"extra",7]';

    expect(decodeClientFrame(Buffer.from(text), false)).toEqual({
      ok: true,
      message: {
        joinRef: "1",
        ref: "2",
        topic: "t",
        event: "e",
        payload: { n: 1 },
      },
    });
  });

  it("rejects a binary frame that is not a client push", () => {
    const reply = Buffer.from([1, 0, 0, 0, 0]);

    expect(decodeClientFrame(reply, true)).toEqual({
      ok: false,
      fatal: true,
      error: "binary kind 1 is not a client push",
    });
  });

  it("rejects a binary frame whose header is longer than the frame", () => {
    const truncated = Buffer.from([0, 5, 5, 5, 5, 65]);

    const decoded = decodeClientFrame(truncated, true);

    expect(decoded).toMatchObject({ ok: false, fatal: true });
    expect(decoded.ok ? "" : decoded.error).toMatch(/header needs 25 B/);
  });

  it("rejects a binary frame shorter than the fixed header", () => {
    const decoded = decodeClientFrame(Buffer.from([0, 1]), true);

    expect(decoded).toMatchObject({ ok: false, fatal: true });
    expect(decoded.ok ? "" : decoded.error).toMatch(/too short/);
  });
});

describe("encodeServerMessage", () => {
  it("encodes JSON frames that phoenix.js decodes", () => {
    const encoded = encodeServerMessage({
      joinRef: "1",
      ref: null,
      topic: "t",
      event: "e",
      payload: { a: [1] },
    });

    expect(encoded.binary).toBe(false);
    expect(phoenixDecode(encoded.data)).toEqual({
      join_ref: "1",
      ref: null,
      topic: "t",
      event: "e",
      payload: { a: [1] },
    });
  });

  it("encodes a binary push (kind 0) that phoenix.js decodes", () => {
    const encoded = encodeServerMessage({
      joinRef: "42",
      ref: null,
      topic: "debug_plugin:x",
      event: "chunk",
      payload: new Uint8Array([1, 2, 3]),
    });

    const decoded = phoenixDecode(encoded.data);
    expect(encoded.binary).toBe(true);
    expect(decoded).toMatchObject({
      join_ref: "42",
      ref: null,
      topic: "debug_plugin:x",
      event: "chunk",
    });
    expect([...new Uint8Array(decoded.payload)]).toEqual([1, 2, 3]);
  });

  it("encodes a binary reply (kind 1) that phoenix.js decodes", () => {
    const encoded = encodeServerMessage({
      joinRef: "4",
      ref: "9",
      topic: "t",
      event: "phx_reply",
      payload: { status: "ok", response: new Uint8Array([5]).buffer },
    });

    const decoded = phoenixDecode(encoded.data);
    expect(decoded).toMatchObject({
      join_ref: "4",
      ref: "9",
      topic: "t",
      event: "phx_reply",
      payload: { status: "ok" },
    });
    expect([...new Uint8Array(decoded.payload.response)]).toEqual([5]);
  });

  it("encodes a binary broadcast (kind 2) that phoenix.js decodes", () => {
    const encoded = encodeServerMessage({
      joinRef: null,
      ref: null,
      topic: "room:1",
      event: "blob",
      payload: new Uint8Array([0, 255]),
    });

    const decoded = phoenixDecode(encoded.data);
    expect(decoded).toMatchObject({
      join_ref: null,
      ref: null,
      topic: "room:1",
      event: "blob",
    });
    expect([...new Uint8Array(decoded.payload)]).toEqual([0, 255]);
  });

  it("refuses a binary header field longer than 255 bytes", () => {
    expect(() =>
      encodeServerMessage({
        joinRef: "1",
        ref: null,
        topic: "t".repeat(256),
        event: "e",
        payload: new Uint8Array(1),
      }),
    ).toThrow(/longer than 255 bytes/);
  });
});
