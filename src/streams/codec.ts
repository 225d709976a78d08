/**
 * Phoenix v2 frames to messages and back. The wire format is phoenix's own
 * `Serializer`: JSON arrays `[join_ref, ref, topic, event, payload]` in text
 * frames, and its binary layout for `ArrayBuffer` payloads.
 */
import { Serializer } from "phoenix";
import { FrameDecodeError } from "../errors.js";
import type { PhoenixMessage } from "./message.js";

/** A frame as it comes off the socket: text, or binary bytes. */
export type Frame = string | ArrayBuffer;

const FRAME_EXCERPT_LENGTH = 200;

/**
 * Decodes one frame from the server into a message.
 *
 * Text frames are parsed here rather than by `Serializer.decode`, which
 * would destructure whatever JSON it gets: an object, a number or an array
 * of the wrong length would come out as a message of `undefined` fields.
 * Binary frames go to phoenix's serializer.
 *
 * @throws {FrameDecodeError} when the frame is not a Phoenix v2 message.
 * @example
 * ```ts
 * decodeFrame('["1","2","room:1","phx_reply",{"status":"ok"}]');
 * // { join_ref: "1", ref: "2", topic: "room:1", event: "phx_reply",
 * //   payload: { status: "ok" } }
 * ```
 */
export function decodeFrame(frame: Frame): PhoenixMessage {
  if (typeof frame === "string") return decodeText(frame);

  return decodeBinary(frame);
}

/**
 * Encodes a message into a frame. A payload that is an `ArrayBuffer` makes
 * a binary frame; any other payload makes a JSON text frame.
 *
 * @example
 * ```ts
 * encodeMessage({ join_ref: "1", ref: "3", topic: "room:1",
 *   event: "new_msg", payload: { body: "hi" } });
 * // '["1","3","room:1","new_msg",{"body":"hi"}]'
 * ```
 */
export function encodeMessage(message: PhoenixMessage): Frame {
  return Serializer.encode(message, returnFrame);
}

function returnFrame(frame: Frame): Frame {
  return frame;
}

function decodeText(frame: string): PhoenixMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch (error) {
    throw new FrameDecodeError("not valid JSON", excerpt(frame), {
      cause: error,
    });
  }

  if (!Array.isArray(parsed) || parsed.length !== 5) {
    throw new FrameDecodeError(
      "expected an array of 5 elements",
      excerpt(frame),
    );
  }

  const [join_ref, ref, topic, event, payload] = parsed;
  return checked({ join_ref, ref, topic, event, payload }, frame);
}

function decodeBinary(frame: ArrayBuffer): PhoenixMessage {
  let decoded: unknown;
  try {
    decoded = Serializer.decode(frame, (message) => message);
  } catch (error) {
    throw new FrameDecodeError("truncated binary frame", describeBytes(frame), {
      cause: error,
    });
  }

  if (decoded === undefined) {
    throw new FrameDecodeError("unknown binary kind", describeBytes(frame));
  }

  return checked(decoded as Record<string, unknown>, frame);
}

function checked(
  fields: Record<string, unknown>,
  frame: Frame,
): PhoenixMessage {
  const problem = findFieldProblem(fields);
  if (problem === undefined) return fields as unknown as PhoenixMessage;

  const shown =
    typeof frame === "string" ? excerpt(frame) : describeBytes(frame);
  throw new FrameDecodeError(problem, shown);
}

function findFieldProblem(fields: Record<string, unknown>): string | undefined {
  if (!isRef(fields.join_ref)) return "join_ref must be a string or null";
  if (!isRef(fields.ref)) return "ref must be a string or null";
  if (typeof fields.topic !== "string") return "topic must be a string";
  if (typeof fields.event !== "string") return "event must be a string";

  return undefined;
}

function isRef(value: unknown): boolean {
  return value === null || typeof value === "string";
}

function excerpt(frame: string): string {
  if (frame.length <= FRAME_EXCERPT_LENGTH) return frame;

  return `${frame.slice(0, FRAME_EXCERPT_LENGTH)}…`;
}

function describeBytes(frame: ArrayBuffer): string {
  return `<${frame.byteLength} binary bytes>`;
}
