/**
 * The Phoenix side of one bench connection: joins, leaves, heartbeats,
 * the `echo` push, and the control events that start a workload.
 *
 * | event                  | answer                                       |
 * | ---------------------- | -------------------------------------------- |
 * | `phx_join`             | reply ok `{}`                                |
 * | `heartbeat` (phoenix)  | reply ok `{}`                                |
 * | `phx_leave`            | reply ok, then `phx_close`                   |
 * | `echo`                 | reply ok with the payload as response        |
 * | `bench:flood`          | reply ok, `count` × `bench:msg`, then        |
 * |                        | `bench:flood_done {count}`                   |
 * | `bench:stream`         | reply ok, `invoke_tool` at `rate` for        |
 * |                        | `durationMs`, then `bench:stream_done`       |
 * | `bench:stream_report`  | reply ok with the stream's counts            |
 * | `*_response`           | no reply (Atomemo answers are one-way)       |
 * | anything else          | reply error `{reason}`                       |
 *
 * It records nothing per frame, unlike the test hub in src/hub, so the
 * server's cost per frame stays flat for the whole run.
 */
import type { WebSocket } from "ws";

import { flood, parseFloodRequest } from "./flood.js";
import {
  type FrameHead,
  frameStart,
  parsePayload,
  payloadBytes,
  readFrameHead,
} from "./frame.js";
import { Outbox } from "./outbox.js";
import { InvokeToolStream, parseStreamRequest } from "./stream.js";

const CLOSE_BRACES = Buffer.from("}]");

/**
 * Serves the bench protocol on `socket` until it closes.
 *
 * @example
 * wss.on("connection", (socket) => serveBenchConnection(socket));
 */
export function serveBenchConnection(socket: WebSocket): void {
  const connection = new BenchConnection(socket);

  socket.on("message", (data, isBinary) => {
    connection.receive(data as Buffer, isBinary);
  });
  socket.on("close", () => connection.stop());
}

class BenchConnection {
  private readonly joinRefs = new Map<string, string | null>();
  private readonly streams = new Map<string, InvokeToolStream>();
  private readonly outbox: Outbox;

  constructor(private readonly socket: WebSocket) {
    this.outbox = new Outbox(socket);
  }

  receive(frame: Buffer, isBinary: boolean): void {
    if (isBinary) {
      logProblem("dropped a binary frame: the bench uses text frames");
      return;
    }

    let head: FrameHead;
    try {
      head = readFrameHead(frame);
    } catch (error) {
      logProblem(`dropped a malformed frame: ${String(error)}`);
      return;
    }

    try {
      this.route(head, frame);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.reply(head, "error", JSON.stringify({ reason }));
    }
  }

  stop(): void {
    for (const stream of this.streams.values()) {
      stream.stop();
    }
  }

  private route(head: FrameHead, frame: Buffer): void {
    if (head.topic === "phoenix" && head.event === "heartbeat") {
      this.reply(head, "ok", "{}");
      return;
    }

    if (head.event === "phx_join") {
      this.joinRefs.set(head.topic, head.joinRef);
      this.reply(head, "ok", "{}");
      return;
    }

    if (!this.joinRefs.has(head.topic)) {
      this.reply(head, "error", '{"reason":"unmatched topic"}');
      return;
    }

    if (head.event.endsWith("_response")) {
      this.streams.get(head.topic)?.recordResponse(parsePayload(frame, head));
      return;
    }

    this.routeChannelEvent(head, frame);
  }

  private routeChannelEvent(head: FrameHead, frame: Buffer): void {
    switch (head.event) {
      case "echo":
        this.echo(head, frame);
        return;
      case "phx_leave":
        this.leave(head);
        return;
      case "bench:flood":
        this.startFlood(head, frame);
        return;
      case "bench:stream":
        this.startStream(head, frame);
        return;
      case "bench:stream_report":
        this.reportStream(head);
        return;
      default:
        throw new Error(`unknown event ${head.event} on ${head.topic}`);
    }
  }

  private echo(head: FrameHead, frame: Buffer): void {
    const start = replyStart(head, "ok");
    const reply = Buffer.concat([
      Buffer.from(start),
      payloadBytes(frame, head),
      CLOSE_BRACES,
    ]);

    this.outbox.enqueue(reply);
  }

  private leave(head: FrameHead): void {
    this.reply(head, "ok", "{}");
    this.push(head.topic, "phx_close", "{}");

    this.streams.get(head.topic)?.stop();
    this.streams.delete(head.topic);
    this.joinRefs.delete(head.topic);
  }

  private startFlood(head: FrameHead, frame: Buffer): void {
    const request = parseFloodRequest(parsePayload(frame, head));
    this.reply(head, "ok", "{}");

    const joinRef = this.joinRefs.get(head.topic) ?? null;
    const isOpen = () => this.socket.readyState === this.socket.OPEN;
    flood(this.outbox, isOpen, joinRef, head.topic, request).then(() => {
      const done = JSON.stringify({ count: request.count });
      this.push(head.topic, "bench:flood_done", done);
    }, logProblem);
  }

  private startStream(head: FrameHead, frame: Buffer): void {
    const request = parseStreamRequest(parsePayload(frame, head));

    this.streams.get(head.topic)?.stop();
    const joinRef = this.joinRefs.get(head.topic) ?? null;
    const stream = new InvokeToolStream(
      this.outbox,
      joinRef,
      head.topic,
      request,
    );
    this.streams.set(head.topic, stream);
    this.reply(head, "ok", "{}");

    stream.start((sent) => {
      this.push(head.topic, "bench:stream_done", JSON.stringify({ sent }));
    });
  }

  private reportStream(head: FrameHead): void {
    const stream = this.streams.get(head.topic);
    if (!stream) {
      throw new Error(`no bench:stream ran on ${head.topic}`);
    }

    this.reply(head, "ok", JSON.stringify(stream.report()));
  }

  private reply(head: FrameHead, status: string, responseJson: string) {
    this.outbox.enqueue(`${replyStart(head, status)}${responseJson}}]`);
  }

  private push(topic: string, event: string, payloadJson: string): void {
    const joinRef = this.joinRefs.get(topic) ?? null;

    const start = frameStart(joinRef, null, topic, event);

    this.outbox.enqueue(`${start}${payloadJson}]`);
  }
}

function replyStart(head: FrameHead, status: string): string {
  const start = frameStart(head.joinRef, head.ref, head.topic, "phx_reply");

  return `${start}{"status":${JSON.stringify(status)},"response":`;
}

function logProblem(problem: unknown): void {
  const text = problem instanceof Error ? problem.message : String(problem);

  process.stderr.write(`bench server: ${text}\n`);
}
