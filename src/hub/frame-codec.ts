/**
 * The server side of Phoenix's v2 wire format. phoenix's own `Serializer`
 * encodes client pushes and decodes server frames, the mirror of what a
 * server needs, so the hub decodes client frames and encodes server frames
 * here. JSON frames are `[join_ref, ref, topic, event, payload]`; binary
 * frames start with a kind byte (0 push, 1 reply, 2 broadcast) followed by
 * one length byte per header field, the fields, then the payload bytes.
 */
import { HubArgumentError } from "./errors.js";

/** One decoded Phoenix message, either direction. */
export interface PhoenixMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/**
 * The outcome of decoding one client frame. A failure is `fatal` when
 * Phoenix's own serializer raises on the frame (not JSON, not an array of
 * at least five elements, a binary frame that is not a whole client push):
 * that crashes the Phoenix socket process and ends the connection. It is
 * not fatal when only a header field has the wrong type: Phoenix decodes
 * such a frame and routes it as it is.
 */
export type DecodeResult =
  | { ok: true; message: PhoenixMessage }
  | { ok: false; error: string; fatal: boolean };

/** One encoded server frame, ready for `ws.send`. */
export interface EncodedFrame {
  data: string | Buffer;
  binary: boolean;
}

const KIND_PUSH = 0;
const KIND_REPLY = 1;
const KIND_BROADCAST = 2;
const CLIENT_PUSH_HEADER_BYTES = 5;
const MAX_FIELD_BYTES = 255;

/**
 * Decodes one frame a client sent: JSON text or a binary client push
 * (`[0, joinRefLen, refLen, topicLen, eventLen, ...fields, ...payload]`).
 * As in Phoenix's serializer, elements of a JSON array after the fifth are
 * ignored.
 *
 * @example
 * decodeClientFrame(Buffer.from('[null,"1","phoenix","heartbeat",{}]'), false)
 * // → { ok: true,
 * //     message: { joinRef: null, ref: "1", topic: "phoenix", … } }
 */
export function decodeClientFrame(
  data: Buffer,
  isBinary: boolean,
): DecodeResult {
  if (isBinary) {
    return decodeBinaryClientPush(data);
  }

  return decodeJsonFrame(data.toString("utf8"));
}

/**
 * Encodes a server message. A byte payload (or a `phx_reply` whose response
 * is bytes) becomes a binary frame: a reply (kind 1) for `phx_reply`, a
 * broadcast (kind 2) when there is no join_ref, else a push (kind 0).
 *
 * @example
 * encodeServerMessage({ joinRef: "1", ref: null, topic: "t", event: "e",
 *   payload: new Uint8Array([1]) });
 * // → { binary: true, data: <Buffer 00 …> }
 */
export function encodeServerMessage(message: PhoenixMessage): EncodedFrame {
  const replyBytes = binaryReplyResponse(message);
  if (replyBytes) {
    return { binary: true, data: encodeBinaryReply(message, replyBytes) };
  }

  if (isBytes(message.payload)) {
    const data =
      message.joinRef === null
        ? encodeBinaryBroadcast(message, message.payload)
        : encodeBinaryPush(message, message.payload);
    return { binary: true, data };
  }

  const { joinRef, ref, topic, event, payload } = message;
  return {
    binary: false,
    data: JSON.stringify([joinRef, ref, topic, event, payload]),
  };
}

/**
 * True for the byte containers the hub sends as binary payloads.
 *
 * @example
 * isBytes(new Uint8Array(2)); // true
 */
export function isBytes(value: unknown): value is ArrayBuffer | Uint8Array {
  return value instanceof ArrayBuffer || value instanceof Uint8Array;
}

function decodeJsonFrame(text: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fatal(`not JSON: ${(error as Error).message}`);
  }

  if (!Array.isArray(parsed) || parsed.length < 5) {
    return fatal(
      "expected a JSON array [join_ref, ref, topic, event, payload]",
    );
  }

  const [joinRef, ref, topic, event, payload] = parsed as unknown[];
  const typeError = checkHeaderTypes(joinRef, ref, topic, event);
  if (typeError) {
    return { ok: false, error: typeError, fatal: false };
  }

  return {
    ok: true,
    message: {
      joinRef: joinRef as string | null,
      ref: ref as string | null,
      topic: topic as string,
      event: event as string,
      payload,
    },
  };
}

function checkHeaderTypes(
  joinRef: unknown,
  ref: unknown,
  topic: unknown,
  event: unknown,
): string | undefined {
  if (joinRef !== null && typeof joinRef !== "string") {
    return `join_ref must be a string or null, got ${typeof joinRef}`;
  }
  if (ref !== null && typeof ref !== "string") {
    return `ref must be a string or null, got ${typeof ref}`;
  }
  if (typeof topic !== "string" || topic === "") {
    return "topic must be a non-empty string";
  }
  if (typeof event !== "string" || event === "") {
    return "event must be a non-empty string";
  }
  return undefined;
}

function decodeBinaryClientPush(data: Buffer): DecodeResult {
  if (data.length < CLIENT_PUSH_HEADER_BYTES) {
    return fatal(`binary frame too short (${data.length} B)`);
  }

  const kind = data.readUInt8(0);
  if (kind !== KIND_PUSH) {
    return fatal(`binary kind ${kind} is not a client push`);
  }

  const sizes = [1, 2, 3, 4].map((index) => data.readUInt8(index));
  const headerEnd = sizes.reduce(
    (sum, size) => sum + size,
    CLIENT_PUSH_HEADER_BYTES,
  );
  if (headerEnd > data.length) {
    return fatal(
      `binary header needs ${headerEnd} B, frame has ${data.length} B`,
    );
  }

  const [joinRef, ref, topic, event] = readFields(data, sizes);
  const payload = copyToArrayBuffer(data.subarray(headerEnd));
  return {
    ok: true,
    message: {
      joinRef: joinRef ?? null,
      ref: ref ?? null,
      topic: topic ?? "",
      event: event ?? "",
      payload,
    },
  };
}

function fatal(error: string): DecodeResult {
  return { ok: false, error, fatal: true };
}

function readFields(data: Buffer, sizes: number[]): string[] {
  const fields: string[] = [];
  let offset = CLIENT_PUSH_HEADER_BYTES;

  for (const size of sizes) {
    fields.push(data.toString("utf8", offset, offset + size));
    offset += size;
  }

  return fields;
}

function encodeBinaryPush(
  message: PhoenixMessage,
  payload: ArrayBuffer | Uint8Array,
): Buffer {
  const fields = [message.joinRef ?? "", message.topic, message.event];
  return assembleFrame(KIND_PUSH, fields, payload);
}

function encodeBinaryReply(
  message: PhoenixMessage,
  reply: { status: string; response: ArrayBuffer | Uint8Array },
): Buffer {
  const fields = [
    message.joinRef ?? "",
    message.ref ?? "",
    message.topic,
    reply.status,
  ];
  return assembleFrame(KIND_REPLY, fields, reply.response);
}

function encodeBinaryBroadcast(
  message: PhoenixMessage,
  payload: ArrayBuffer | Uint8Array,
): Buffer {
  return assembleFrame(KIND_BROADCAST, [message.topic, message.event], payload);
}

function assembleFrame(
  kind: number,
  fields: string[],
  payload: ArrayBuffer | Uint8Array,
): Buffer {
  const fieldBytes = fields.map((field) => Buffer.from(field, "utf8"));
  const tooLong = fieldBytes.findIndex((b) => b.length > MAX_FIELD_BYTES);
  if (tooLong >= 0) {
    throw new HubArgumentError(
      `Binary frame field "${fields[tooLong]}" is longer than` +
        ` ${MAX_FIELD_BYTES} bytes`,
    );
  }

  const header = Buffer.from([kind, ...fieldBytes.map((b) => b.length)]);
  const body = Buffer.from(
    payload instanceof ArrayBuffer
      ? new Uint8Array(payload)
      : new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
  );
  return Buffer.concat([header, ...fieldBytes, body]);
}

function binaryReplyResponse(
  message: PhoenixMessage,
): { status: string; response: ArrayBuffer | Uint8Array } | undefined {
  if (message.event !== "phx_reply") {
    return undefined;
  }

  const payload = message.payload as { status?: unknown; response?: unknown };
  if (typeof payload?.status !== "string" || !isBytes(payload.response)) {
    return undefined;
  }

  return { status: payload.status, response: payload.response };
}

function copyToArrayBuffer(bytes: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
}
