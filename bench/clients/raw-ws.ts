/**
 * The baseline: a Phoenix client written straight on `ws` that does the
 * least any correct client must do. Per inbound frame: one `JSON.parse`,
 * one map lookup for a reply ref or for topic and event, the handler call.
 * Per outbound push: one `JSON.stringify` and one `send`.
 *
 * It has no timeouts, no heartbeat, no rejoin and no buffering, so its
 * figures are the practical limit of a Node.js client on `ws`: what is
 * left once the protocol itself is paid for.
 */
import WebSocket from "ws";

import type {
  BenchClient,
  CreateBenchClient,
  EventHandler,
  PushPayload,
} from "./types.js";

type PhoenixFrame = [
  joinRef: string | null,
  ref: string | null,
  topic: string,
  event: string,
  payload: unknown,
];

interface PendingReply {
  topic: string;
  event: string;
  resolve: (response: unknown) => void;
  reject: (error: Error) => void;
}

interface ReplyPayload {
  status: string;
  response: unknown;
}

class RawWsClient implements BenchClient {
  private socket: WebSocket | undefined;
  private lastRef = 0;
  private readonly joinRefs = new Map<string, string>();
  private readonly pendingReplies = new Map<string, PendingReply>();
  private readonly handlersByTopic = new Map<
    string,
    Map<string, Set<EventHandler>>
  >();

  connect(socketUrl: string): Promise<void> {
    const socket = new WebSocket(`${socketUrl}?vsn=2.0.0`);
    this.socket = socket;

    socket.on("message", (data) => this.receive(String(data)));
    socket.on("close", () => this.rejectAllPending("socket closed"));

    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
  }

  async join(topic: string): Promise<void> {
    const joinRef = this.nextRef();
    this.joinRefs.set(topic, joinRef);

    await this.sendWithReply(joinRef, topic, "phx_join", {});
  }

  push(topic: string, event: string, payload: PushPayload): Promise<unknown> {
    return this.sendWithReply(this.joinRefOf(topic), topic, event, payload);
  }

  pushNoReply(topic: string, event: string, payload: PushPayload): void {
    const joinRef = this.joinRefOf(topic);

    this.send([joinRef, this.nextRef(), topic, event, payload]);
  }

  onEvent(topic: string, event: string, handler: EventHandler): () => void {
    let handlersByEvent = this.handlersByTopic.get(topic);
    if (!handlersByEvent) {
      handlersByEvent = new Map();
      this.handlersByTopic.set(topic, handlersByEvent);
    }

    let handlers = handlersByEvent.get(event);
    if (!handlers) {
      handlers = new Set();
      handlersByEvent.set(event, handlers);
    }

    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) {
      return Promise.resolve();
    }

    return new Promise((resolve) => {
      socket.once("close", () => resolve());
      socket.close(1000, "bench done");
    });
  }

  private sendWithReply(
    joinRef: string,
    topic: string,
    event: string,
    payload: PushPayload,
  ): Promise<unknown> {
    const ref = this.nextRef();

    return new Promise((resolve, reject) => {
      this.pendingReplies.set(ref, { topic, event, resolve, reject });
      this.send([joinRef, ref, topic, event, payload]);
    });
  }

  private receive(text: string): void {
    const [, ref, topic, event, payload] = JSON.parse(text) as PhoenixFrame;

    if (event === "phx_reply" && ref !== null) {
      this.settleReply(ref, payload as ReplyPayload);
      return;
    }

    const handlers = this.handlersByTopic.get(topic)?.get(event);
    if (!handlers) {
      return;
    }

    for (const handler of handlers) {
      handler(payload);
    }
  }

  private settleReply(ref: string, reply: ReplyPayload): void {
    const pending = this.pendingReplies.get(ref);
    if (!pending) {
      return;
    }

    this.pendingReplies.delete(ref);
    if (reply.status === "ok") {
      pending.resolve(reply.response);
      return;
    }

    const where = `${pending.event} on ${pending.topic}`;
    const detail = JSON.stringify(reply.response);
    pending.reject(new Error(`${where}: ${reply.status} ${detail}`));
  }

  private rejectAllPending(reason: string): void {
    for (const pending of this.pendingReplies.values()) {
      pending.reject(
        new Error(`${pending.event} on ${pending.topic}: ${reason}`),
      );
    }

    this.pendingReplies.clear();
  }

  private joinRefOf(topic: string): string {
    const joinRef = this.joinRefs.get(topic);
    if (joinRef === undefined) {
      throw new Error(`raw-ws: push to ${topic} before joining it`);
    }

    return joinRef;
  }

  private nextRef(): string {
    this.lastRef += 1;
    return String(this.lastRef);
  }

  private send(frame: unknown[]): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      throw new Error("raw-ws: send while the socket is not open");
    }

    socket.send(JSON.stringify(frame));
  }
}

/**
 * Creates the raw `ws` baseline client.
 *
 * @example
 * const client = createClient();
 * await client.connect("ws://127.0.0.1:4000/debug_socket/websocket");
 */
export const createClient: CreateBenchClient = () => new RawWsClient();
