/**
 * This library's engine alone: `PhoenixSocket` (connection, codec,
 * heartbeat, routing by topic) with the channel protocol done in this
 * adapter, as thinly as the raw `ws` baseline does it. Set beside
 * `atomemo`, it tells what the engine costs and what the channel layer
 * adds on top.
 *
 * Per joined topic: one sink attached to the socket's route of the topic
 * (`attachTopic`, a map lookup per message);
 * replies are matched by ref in one map. No timeouts, no rejoin, no
 * buffer, like the baseline. The library runs as built
 * (`built-library.ts`).
 */
import type * as Library from "../../src/index.js";
import { loadBuiltLibrary, openSocket } from "./built-library.js";
import type {
  BenchClient,
  CreateBenchClient,
  EventHandler,
  PushPayload,
} from "./types.js";

const library = await loadBuiltLibrary();

interface PendingReply {
  resolve: (response: unknown) => void;
  reject: (error: Error) => void;
}

interface JoinedTopic {
  joinRef: string;
  handlers: Map<string, Set<EventHandler>>;
}

interface ReplyPayload {
  status: string;
  response: unknown;
}

class AtomemoEngineClient implements BenchClient {
  private socket: Library.PhoenixSocket | undefined;
  private readonly topics = new Map<string, JoinedTopic>();
  private readonly pendingReplies = new Map<string, PendingReply>();

  async connect(socketUrl: string): Promise<void> {
    this.socket = await openSocket(library, socketUrl, "atomemo-engine");
  }

  async join(topic: string): Promise<void> {
    const socket = this.requireSocket();
    const joinRef = socket.makeRef();
    socket.attachTopic(topic, this.sink);
    this.topics.set(topic, { joinRef, handlers: new Map() });

    await this.sendWithReply(joinRef, joinRef, topic, "phx_join", {});
  }

  push(topic: string, event: string, payload: PushPayload): Promise<unknown> {
    const socket = this.requireSocket();
    const { joinRef } = this.topicOf(topic);

    return this.sendWithReply(joinRef, socket.makeRef(), topic, event, payload);
  }

  pushNoReply(topic: string, event: string, payload: PushPayload): void {
    const socket = this.requireSocket();
    const { joinRef } = this.topicOf(topic);

    socket.send({
      join_ref: joinRef,
      ref: socket.makeRef(),
      topic,
      event,
      payload,
    });
  }

  onEvent(topic: string, event: string, handler: EventHandler): () => void {
    const { handlers } = this.topicOf(topic);
    const ofEvent = handlers.get(event) ?? new Set<EventHandler>();
    ofEvent.add(handler);
    handlers.set(event, ofEvent);

    return () => ofEvent.delete(handler);
  }

  async close(): Promise<void> {
    for (const topic of this.topics.keys()) {
      this.socket?.detachTopic(topic, this.sink);
    }
    await this.socket?.disconnect();
  }

  private sendWithReply(
    joinRef: string,
    ref: string,
    topic: string,
    event: string,
    payload: unknown,
  ): Promise<unknown> {
    const socket = this.requireSocket();

    return new Promise((resolve, reject) => {
      this.pendingReplies.set(ref, { resolve, reject });
      socket.send({ join_ref: joinRef, ref, topic, event, payload });
    });
  }

  /** One sink for every topic (an object per topic would cost heap). */
  private readonly sink = {
    next: (message: Library.PhoenixMessage) => this.receive(message),
  };

  private receive(message: Library.PhoenixMessage): void {
    const { topic, event, ref, payload } = message;
    if (event === "phx_reply" && ref !== null) {
      this.settle(topic, ref, payload as ReplyPayload);
      return;
    }

    const handlers = this.topics.get(topic)?.handlers.get(event);
    for (const handler of handlers ?? []) handler(payload);
  }

  private settle(topic: string, ref: string, reply: ReplyPayload): void {
    const pending = this.pendingReplies.get(ref);
    if (pending === undefined) return;

    this.pendingReplies.delete(ref);
    if (reply.status === "ok") pending.resolve(reply.response);
    else pending.reject(new Error(`${topic}: ${JSON.stringify(reply)}`));
  }

  private requireSocket(): Library.PhoenixSocket {
    if (!this.socket) throw new Error("atomemo-engine: join before connect");

    return this.socket;
  }

  private topicOf(topic: string): JoinedTopic {
    const joined = this.topics.get(topic);
    if (!joined) throw new Error(`atomemo-engine: ${topic} is not joined`);

    return joined;
  }
}

/**
 * Creates a client on this library's engine, without its channel layer.
 *
 * @example
 * const client = createClient();
 * await client.connect("ws://127.0.0.1:4000/debug_socket/websocket");
 */
export const createClient: CreateBenchClient = () => new AtomemoEngineClient();
