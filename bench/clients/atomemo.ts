/**
 * This library, used the way the Atomemo SDK uses it: the
 * phoenix.js-compatible `Channel` (push with `receive` chains, `on`/`off`)
 * on the stream engine (`PhoenixSocket`, `PhoenixChannel`).
 *
 * Its timers are pushed out of the way like phoenix.js's in the reference
 * adapter: heartbeat, join and push timeouts are an hour. `pushNoReply` is
 * a push without `receive`, which keeps no timer and no reply entry: that
 * is the point of the design, and what the SDK does for
 * `invoke_tool_response`. The library runs as built (`built-library.ts`).
 */
import { firstValueFrom } from "rxjs";
import type * as Library from "../../src/index.js";
import {
  loadBuiltLibrary,
  openSocket,
  QUIET_TIMEOUT_MS,
} from "./built-library.js";
import type {
  BenchClient,
  CreateBenchClient,
  EventHandler,
  PushPayload,
} from "./types.js";

const library = await loadBuiltLibrary();
const { Channel, PhoenixChannel } = library;

class AtomemoClient implements BenchClient {
  private socket: Library.PhoenixSocket | undefined;
  private readonly channels = new Map<string, Library.Channel>();
  private readonly callbackErrors: Error[] = [];

  async connect(socketUrl: string): Promise<void> {
    this.socket = await openSocket(library, socketUrl, "atomemo");
  }

  async join(topic: string): Promise<void> {
    const socket = this.requireSocket();
    const core = new PhoenixChannel(socket, topic, {
      joinTimeoutMs: QUIET_TIMEOUT_MS,
      pushTimeoutMs: QUIET_TIMEOUT_MS,
    });
    const membership = core.joined$.subscribe({ error: () => {} });

    await firstValueFrom(core.joined$);
    const report = (error: Error) => this.callbackErrors.push(error);
    this.channels.set(
      topic,
      new Channel(core, membership, QUIET_TIMEOUT_MS, report),
    );
  }

  push(topic: string, event: string, payload: PushPayload): Promise<unknown> {
    const channel = this.channelOf(topic);

    return new Promise((resolve, reject) => {
      channel
        .push(event, payload)
        .receive("ok", resolve)
        .receive("error", (response) =>
          reject(failure(event, topic, "error", response)),
        )
        .receive("timeout", () => reject(failure(event, topic, "timeout", {})));
    });
  }

  pushNoReply(topic: string, event: string, payload: PushPayload): void {
    this.channelOf(topic).push(event, payload);
  }

  onEvent(topic: string, event: string, handler: EventHandler): () => void {
    const channel = this.channelOf(topic);
    const ref = channel.on(event, handler);

    return () => channel.off(event, ref);
  }

  /** Closes, and fails if a workload's callback threw meanwhile. */
  async close(): Promise<void> {
    await this.socket?.disconnect();

    const [error] = this.callbackErrors;
    if (error !== undefined) throw error;
  }

  private requireSocket(): Library.PhoenixSocket {
    if (!this.socket) throw new Error("atomemo: join before connect");

    return this.socket;
  }

  private channelOf(topic: string): Library.Channel {
    const channel = this.channels.get(topic);
    if (!channel) throw new Error(`atomemo: push to ${topic} before joining`);

    return channel;
  }
}

function failure(
  event: string,
  topic: string,
  status: string,
  response: unknown,
): Error {
  return new Error(
    `${event} on ${topic}: ${status} ${JSON.stringify(response)}`,
  );
}

/**
 * Creates a client on this library's phoenix.js-compatible channel.
 *
 * @example
 * const client = createClient();
 * await client.connect("ws://127.0.0.1:4000/debug_socket/websocket");
 */
export const createClient: CreateBenchClient = () => new AtomemoClient();
