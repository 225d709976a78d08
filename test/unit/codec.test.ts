import { describe, expect, it } from "vitest";
import { FrameDecodeError } from "../../src/errors.js";
import { decodeFrame, encodeMessage } from "../../src/streams/codec.js";

/** Builds a server → client binary frame: kind, sizes, fields, payload. */
function binaryFrame(kind: number, fields: string[], payload: string) {
  const encoder = new TextEncoder();
  const encoded = fields.map((field) => encoder.encode(field));
  const body = encoder.encode(payload);
  const header = [kind, ...encoded.map((bytes) => bytes.byteLength)];
  const bytes = new Uint8Array(
    header.length +
      encoded.reduce((sum, b) => sum + b.byteLength, 0) +
      body.byteLength,
  );
  bytes.set(header, 0);
  let offset = header.length;
  for (const field of [...encoded, body]) {
    bytes.set(field, offset);
    offset += field.byteLength;
  }
  return bytes.buffer;
}

function text(buffer: unknown): string {
  return new TextDecoder().decode(buffer as ArrayBuffer);
}

describe("decodeFrame", () => {
  it("decodes a JSON text frame into a message", () => {
    expect(
      decodeFrame('["1","2","room:1","phx_reply",{"status":"ok"}]'),
    ).toEqual({
      join_ref: "1",
      ref: "2",
      topic: "room:1",
      event: "phx_reply",
      payload: { status: "ok" },
    });
  });

  it("decodes a broadcast with null refs", () => {
    expect(decodeFrame('[null,null,"room:1","new_msg",{"body":"hi"}]')).toEqual(
      {
        join_ref: null,
        ref: null,
        topic: "room:1",
        event: "new_msg",
        payload: { body: "hi" },
      },
    );
  });

  it.each([
    ["not JSON", "{oops", "not valid JSON"],
    ["an object", '{"topic":"t"}', "expected an array of 5 elements"],
    ["too short", '["1","2","t"]', "expected an array of 5 elements"],
    ["too long", '["1","2","t","e",{},1]', "expected an array of 5 elements"],
    [
      "a numeric join_ref",
      '[1,"2","t","e",{}]',
      "join_ref must be a string or null",
    ],
    ["a numeric ref", '["1",2,"t","e",{}]', "ref must be a string or null"],
    ["a missing topic", '["1","2",null,"e",{}]', "topic must be a string"],
    ["a numeric event", '["1","2","t",5,{}]', "event must be a string"],
  ])(
    "rejects %s with a FrameDecodeError naming the problem",
    (_, frame, reason) => {
      const decode = () => decodeFrame(frame);

      expect(decode).toThrow(FrameDecodeError);
      expect(decode).toThrow(
        `Malformed frame dropped: ${reason} (frame: ${frame})`,
      );
    },
  );

  it("shortens a long malformed frame in the message", () => {
    const frame = `[${"1,".repeat(300)}1]`;

    expect(() => decodeFrame(frame)).toThrow(/\(frame: \[1,1,.{190,}…\)$/);
  });

  it("decodes a binary push, reply and broadcast", () => {
    const push = decodeFrame(binaryFrame(0, ["12", "room:1", "file"], "abc"));
    expect(push).toMatchObject({
      join_ref: "12",
      ref: null,
      topic: "room:1",
      event: "file",
    });
    expect(text(push.payload)).toBe("abc");

    const reply = decodeFrame(binaryFrame(1, ["12", "7", "room:1", "ok"], "r"));
    expect(reply).toMatchObject({
      join_ref: "12",
      ref: "7",
      topic: "room:1",
      event: "phx_reply",
      payload: { status: "ok" },
    });

    const broadcast = decodeFrame(binaryFrame(2, ["room:1", "b"], "xyz"));
    expect(broadcast).toMatchObject({ join_ref: null, ref: null, event: "b" });
  });

  it("rejects a binary frame of unknown kind", () => {
    expect(() => decodeFrame(binaryFrame(9, ["x"], "y"))).toThrow(
      "Malformed frame dropped: unknown binary kind (frame: <4 binary bytes>)",
    );
  });

  it("rejects a truncated binary frame", () => {
    expect(() => decodeFrame(new Uint8Array([1]).buffer)).toThrow(
      "Malformed frame dropped: truncated binary frame (frame: <1 binary bytes>)",
    );
  });
});

describe("encodeMessage", () => {
  it("encodes a message as a JSON array", () => {
    const frame = encodeMessage({
      join_ref: "1",
      ref: "3",
      topic: "room:1",
      event: "new_msg",
      payload: { body: "hi" },
    });

    expect(frame).toBe('["1","3","room:1","new_msg",{"body":"hi"}]');
  });

  it("encodes an ArrayBuffer payload as a binary push", () => {
    const payload = new TextEncoder().encode("bin").buffer;
    const frame = encodeMessage({
      join_ref: "1",
      ref: "3",
      topic: "t",
      event: "e",
      payload,
    });

    expect(frame).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(frame as ArrayBuffer)]).toEqual([
      0, 1, 1, 1, 1, 49, 51, 116, 101, 98, 105, 110,
    ]);
  });
});
