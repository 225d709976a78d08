/**
 * Reads and writes Phoenix v2 text frames for the bench server without
 * parsing payloads it does not need.
 *
 * A frame is `[join_ref, ref, topic, event, payload]`. The server reads
 * the four head fields by scanning bytes and leaves the payload as a byte
 * range, so that echoing a 1 MiB payload costs the server two copies
 * instead of a `JSON.parse` and a `JSON.stringify`: the benchmark should
 * time the client, and the server's share of a round trip should be small.
 * Scanning bytes is safe because UTF-8 never uses the bytes of `"`, `\`
 * or `,` inside a multi-byte character.
 */

/** The head of a frame, plus where its payload lies in the frame. */
export interface FrameHead {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payloadStart: number;
  payloadEnd: number;
}

/** A frame that is not a Phoenix v2 JSON array. */
export class MalformedFrameError extends Error {
  override readonly name = "MalformedFrameError";
  readonly code = "bench:malformed_frame";
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LETTER_N = 0x6e;

/**
 * Reads the head fields of `frame`; throws `MalformedFrameError` when the
 * frame is not `[string|null, string|null, string, string, payload]`.
 *
 * @example
 * const head = readFrameHead(Buffer.from('["1","2","t","echo",{"a":1}]'));
 * // head.event === "echo"; payloadBytes(frame, head) is '{"a":1}'
 */
export function readFrameHead(frame: Buffer): FrameHead {
  let position = skipSpace(frame, 0);
  expectByte(frame, position, OPEN_BRACKET);

  const fields: (string | null)[] = [];
  position += 1;
  for (let index = 0; index < 4; index += 1) {
    const field = readHeadField(frame, skipSpace(frame, position));
    fields.push(field.value);

    position = skipSpace(frame, field.end);
    expectByte(frame, position, COMMA);
    position += 1;
  }

  const [joinRef = null, ref = null, topic, event] = fields;
  if (typeof topic !== "string" || typeof event !== "string") {
    throw new MalformedFrameError("topic and event must be strings");
  }

  const payloadEnd = lastCloseBracket(frame);
  return {
    joinRef,
    ref,
    topic,
    event,
    payloadStart: skipSpace(frame, position),
    payloadEnd,
  };
}

/**
 * The payload bytes of `frame`, without copying.
 *
 * @example
 * const bytes = payloadBytes(frame, readFrameHead(frame));
 */
export function payloadBytes(frame: Buffer, head: FrameHead): Buffer {
  return frame.subarray(head.payloadStart, head.payloadEnd);
}

/**
 * Parses the payload of `frame` as JSON.
 *
 * @example
 * const { count } = parsePayload(frame, head) as { count: number };
 */
export function parsePayload(frame: Buffer, head: FrameHead): unknown {
  const text = frame.toString("utf8", head.payloadStart, head.payloadEnd);

  return JSON.parse(text);
}

/**
 * The text of a frame up to its payload: `[jr,ref,"topic","event",`.
 * Append the payload JSON and `]` to complete it.
 *
 * @example
 * const frame = `${frameStart(null, null, "t", "ping")}{}]`;
 */
export function frameStart(
  joinRef: string | null,
  ref: string | null,
  topic: string,
  event: string,
): string {
  const head = [joinRef, ref, topic, event].map((field) =>
    JSON.stringify(field),
  );

  return `[${head.join(",")},`;
}

function readHeadField(
  frame: Buffer,
  start: number,
): { value: string | null; end: number } {
  if (frame[start] === LETTER_N) {
    if (frame.toString("latin1", start, start + 4) !== "null") {
      throw new MalformedFrameError(`bad head field at byte ${start}`);
    }

    return { value: null, end: start + 4 };
  }

  expectByte(frame, start, QUOTE);
  let position = start + 1;
  let escaped = false;
  while (position < frame.length && frame[position] !== QUOTE) {
    if (frame[position] === BACKSLASH) {
      escaped = true;
      position += 1;
    }

    position += 1;
  }

  expectByte(frame, position, QUOTE);
  const value = escaped
    ? (JSON.parse(frame.toString("utf8", start, position + 1)) as string)
    : frame.toString("utf8", start + 1, position);

  return { value, end: position + 1 };
}

function lastCloseBracket(frame: Buffer): number {
  let position = frame.length - 1;
  while (position > 0 && frame[position] !== CLOSE_BRACKET) {
    position -= 1;
  }

  expectByte(frame, position, CLOSE_BRACKET);
  return position;
}

function skipSpace(frame: Buffer, start: number): number {
  let position = start;
  while (position < frame.length && isJsonSpace(frame[position])) {
    position += 1;
  }

  return position;
}

function isJsonSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function expectByte(frame: Buffer, position: number, expected: number): void {
  const found = frame[position];
  if (found !== expected) {
    const seen =
      found === undefined ? "end of frame" : `'${String.fromCharCode(found)}'`;
    const wanted = String.fromCharCode(expected);
    throw new MalformedFrameError(
      `expected '${wanted}' at byte ${position}, found ${seen}`,
    );
  }
}
