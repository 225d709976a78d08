/**
 * The Atomemo request pattern at a steady rate, for workload f: the hub
 * sends `invoke_tool {request_id, data}` to the plugin's channel, and the
 * plugin answers each with `invoke_tool_response {request_id, data}`,
 * which gets no reply.
 *
 * Requests go out on a 1 ms tick, each tick catching up to
 * `rate × elapsed`, so timer jitter changes the burst size but not the
 * rate. The tick is short so that, as with a real hub, a client at a
 * low rate is woken for nearly every request instead of for batches.
 * Every response is checked off by its request id, so the report proves
 * that each request was answered exactly once.
 */
import { frameStart } from "./frame.js";
import type { Outbox } from "./outbox.js";

/** What a `bench:stream` push asks for. */
export interface StreamRequest {
  /** Requests per second. */
  rate: number;
  /** How long to keep sending, in milliseconds. */
  durationMs: number;
}

/** The server's count of one stream, answered to `bench:stream_report`. */
export interface StreamReport {
  sent: number;
  received: number;
  missing: number;
  duplicates: number;
  unknown: number;
}

const TICK_MS = 1;
const REQUEST_ID_PREFIX = "req-";
const TOOL_INPUT = JSON.stringify({
  tool: "search_documents",
  credentials: { kind: "api_key", ref: "cred-7f3a" },
  parameters: { query: "quarterly revenue by region", limit: 20 },
});

/**
 * Reads a `bench:stream` payload; throws naming the bad field.
 *
 * @example
 * parseStreamRequest({ rate: 500, durationMs: 10_000 });
 */
export function parseStreamRequest(payload: unknown): StreamRequest {
  const { rate, durationMs } = (payload ?? {}) as Record<string, unknown>;

  if (typeof rate !== "number" || !(rate > 0)) {
    throw new Error("bench:stream: rate must be a number > 0");
  }

  if (typeof durationMs !== "number" || !(durationMs > 0)) {
    throw new Error("bench:stream: durationMs must be a number > 0");
  }

  return { rate, durationMs };
}

/**
 * One run of `invoke_tool` requests to one channel.
 *
 * @example
 * const stream = new InvokeToolStream(outbox, "1", "bench:f", request);
 * stream.start((sent) => outbox.enqueue(doneFrame(sent)));
 * // for each invoke_tool_response: stream.recordResponse(payload)
 * stream.report(); // { sent, received, missing, duplicates, unknown }
 */
export class InvokeToolStream {
  private readonly total: number;
  private readonly answered: Uint8Array;
  private readonly framePrefix: string;
  private sent = 0;
  private received = 0;
  private duplicates = 0;
  private unknown = 0;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly outbox: Outbox,
    joinRef: string | null,
    topic: string,
    private readonly request: StreamRequest,
  ) {
    this.total = Math.round((request.rate * request.durationMs) / 1000);
    this.answered = new Uint8Array(this.total);
    const start = frameStart(joinRef, null, topic, "invoke_tool");
    this.framePrefix = `${start}{"request_id":"${REQUEST_ID_PREFIX}`;
  }

  /** Starts sending; calls `onDone` after the last request is sent. */
  start(onDone: (sent: number) => void): void {
    const startedAt = performance.now();

    this.ticker = setInterval(() => {
      const elapsedMs = performance.now() - startedAt;
      const due = Math.floor((this.request.rate * elapsedMs) / 1000);
      this.sendUpTo(Math.min(this.total, due));

      if (this.sent === this.total) {
        this.stop();
        onDone(this.sent);
      }
    }, TICK_MS);
  }

  /** Stops sending; the connection calls this when its socket closes. */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** Checks off the request that `payload.request_id` answers. */
  recordResponse(payload: unknown): void {
    const requestId = (payload as { request_id?: unknown })?.request_id;
    const index = parseRequestIndex(requestId);

    if (index === undefined || index >= this.sent) {
      this.unknown += 1;
      return;
    }

    if (this.answered[index] === 1) {
      this.duplicates += 1;
      return;
    }

    this.answered[index] = 1;
    this.received += 1;
  }

  /** The counts so far. */
  report(): StreamReport {
    return {
      sent: this.sent,
      received: this.received,
      missing: this.sent - this.received,
      duplicates: this.duplicates,
      unknown: this.unknown,
    };
  }

  private sendUpTo(due: number): void {
    for (; this.sent < due; this.sent += 1) {
      const data = `"data":${TOOL_INPUT}}]`;
      this.outbox.enqueue(`${this.framePrefix}${this.sent}",${data}`);
    }
  }
}

function parseRequestIndex(requestId: unknown): number | undefined {
  if (typeof requestId !== "string") {
    return undefined;
  }

  if (!requestId.startsWith(REQUEST_ID_PREFIX)) {
    return undefined;
  }

  const index = Number(requestId.slice(REQUEST_ID_PREFIX.length));
  return Number.isSafeInteger(index) && index >= 0 ? index : undefined;
}
