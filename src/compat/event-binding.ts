/**
 * One `channel.on(event, callback)`: the callback, attached straight to
 * the channel's route of its event, with its exceptions caught.
 */
import type { Unsubscribable } from "rxjs";
import { CallbackError, type TransporterError } from "../errors.js";
import type { PhoenixChannel } from "../streams/channel.js";
import type { PhoenixMessage } from "../streams/message.js";
import type { MessageSink } from "../streams/message-router.js";

/**
 * What `on` calls with each message of its event: the payload, the
 * message's ref and join_ref, as phoenix.js does. It may return a promise;
 * a rejection is reported like a throw.
 *
 * @example
 * ```ts
 * const callback: EventCallback = (payload) => console.log(payload);
 * ```
 */
export type EventCallback = (
  // biome-ignore lint/suspicious/noExplicitAny: payloads are arbitrary JSON
  payload: any,
  ref: string | null,
  joinRef: string | null,
) => void | Promise<void>;

/**
 * A callback bound to an event of a channel, until `unsubscribe`. It is
 * its own sink on the channel's route, so a binding is one object: no
 * subscription, no closure per binding.
 *
 * @example
 * ```ts
 * const binding = new EventBinding(core, "invoke_tool", handle, report);
 * binding.unsubscribe(); // handle is called no more
 * ```
 */
export class EventBinding implements MessageSink, Unsubscribable {
  constructor(
    private readonly channel: PhoenixChannel,
    readonly event: string,
    private readonly callback: EventCallback,
    private readonly report: (error: TransporterError) => void,
  ) {
    channel.attachEvent(event, this);
  }

  /** Calls the callback; a throw or a rejection is reported, not raised. */
  next(message: PhoenixMessage): void {
    try {
      const result = this.callback(
        message.payload,
        message.ref,
        message.join_ref,
      );
      if (result instanceof Promise) result.catch((error) => this.fail(error));
    } catch (error) {
      this.fail(error);
    }
  }

  /** Detaches the callback; calling it again does nothing. */
  unsubscribe(): void {
    this.channel.detachEvent(this.event, this);
  }

  private fail(error: unknown): void {
    this.report(new CallbackError(`on("${this.event}")`, error));
  }
}
