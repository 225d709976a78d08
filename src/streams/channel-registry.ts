/**
 * One {@link PhoenixChannel} per topic of a socket, so that everybody who
 * asks for a topic shares its single join.
 */
import { type ChannelOptions, PhoenixChannel } from "./channel.js";
import type { PhoenixSocket } from "./socket.js";

/**
 * Hands out the channel of a topic, creating it on first use.
 *
 * @example
 * ```ts
 * const channels = new ChannelRegistry(socket);
 * channels.channel("room:1") === channels.channel("room:1"); // true
 * ```
 */
export class ChannelRegistry {
  private readonly channels = new Map<string, PhoenixChannel>();

  constructor(
    private readonly socket: PhoenixSocket,
    private readonly defaults: ChannelOptions = {},
  ) {}

  /**
   * The channel of `topic`. Options count only when the channel is
   * created; later callers share the first caller's channel as it is.
   *
   * @throws {TypeError} when the topic is empty.
   */
  channel(topic: string, options: ChannelOptions = {}): PhoenixChannel {
    if (typeof topic !== "string" || topic.length === 0) {
      throw new TypeError(
        `A channel topic must be a non-empty string, got ${JSON.stringify(topic)}`,
      );
    }

    let channel = this.channels.get(topic);
    if (channel === undefined) {
      channel = new PhoenixChannel(this.socket, topic, {
        ...this.defaults,
        ...options,
      });
      this.channels.set(topic, channel);
    }

    return channel;
  }

  /** Every channel handed out so far. */
  all(): PhoenixChannel[] {
    return [...this.channels.values()];
  }
}
