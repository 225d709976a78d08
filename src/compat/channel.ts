/**
 * The channel SDK code gets from `connect`: the members of phoenix.js's
 * `Channel` that SDK code uses (push with receive chains, on/off with refs,
 * onClose, onError, leave, topic, state), plus the streams underneath for
 * code that prefers them.
 */
import {
  filter,
  firstValueFrom,
  type Observable,
  pairwise,
  type Subscription,
} from "rxjs";
import { CallbackError, type TransporterError } from "../errors.js";
import type {
  ChannelState,
  LeaveOutcome,
  PhoenixChannel,
} from "../streams/channel.js";
import type { PhoenixMessage } from "../streams/message.js";
import { Push, type PushStatus, type ReceiveCallback } from "./push.js";

/** A callback of `on`: payload, ref and join ref, as phoenix.js passes. */
export type EventCallback = (
  // biome-ignore lint/suspicious/noExplicitAny: payloads are arbitrary JSON
  payload: any,
  ref: string | null,
  joinRef: string | null,
) => void;

/**
 * The result of `leave()`: "ok" once the server answered, "timeout" if it
 * did not in time.
 */
export interface LeavePush {
  receive(status: PushStatus, callback: ReceiveCallback): LeavePush;
}

interface Binding {
  event: string;
  subscription: Subscription;
}

/**
 * A joined channel, usable where SDK code expects a phoenix.js `Channel`.
 *
 * @example
 * ```ts
 * const { channel } = await transporter.connect("debug_plugin:demo");
 * const ref = channel.on("hub_call_response", (payload) => {
 *   console.log(payload.request_id);
 * });
 * channel.push("hub_call:get_user", { request_id: "r1", data: {} });
 * channel.off("hub_call_response", ref);
 * ```
 */
export class Channel {
  private readonly bindings = new Map<number, Binding>();
  private lastBindingRef = 0;

  constructor(
    private readonly core: PhoenixChannel,
    private readonly membership: Subscription,
    private readonly pushTimeoutMs: number,
    private readonly report: (error: TransporterError) => void,
  ) {}

  /** The channel's topic, e.g. `debug_plugin:my-plugin`. */
  get topic(): string {
    return this.core.topic;
  }

  /** closed, joining, joined, errored or leaving. */
  get state(): ChannelState {
    return this.core.currentState;
  }

  /** Every inbound message of the channel, hot. */
  get messages$(): Observable<PhoenixMessage> {
    return this.core.messages$;
  }

  /** The inbound messages of one event, hot. */
  event$(event: string): Observable<PhoenixMessage> {
    return this.core.event$(event);
  }

  /**
   * Pushes an event; chain `receive` to handle the reply.
   *
   * @throws {ChannelClosedError} after the channel was left or closed.
   * @throws {BufferOverflowError} when the channel is rejoining and too
   * many pushes already wait.
   * @example
   * ```ts
   * channel.push("register_plugin", definition)
   *   .receive("ok", () => console.log("registered"));
   * ```
   */
  push(event: string, payload: unknown, timeoutMs = this.pushTimeoutMs): Push {
    return new Push(this.core, event, payload, timeoutMs, this.report);
  }

  /**
   * Calls `callback(payload, ref, joinRef)` for every message of `event`;
   * returns the ref that `off` takes. An exception in the callback is
   * reported and the next message still arrives.
   *
   * @example
   * ```ts
   * const ref = channel.on("invoke_tool", (payload) => handle(payload));
   * ```
   */
  on(event: string, callback: EventCallback): number {
    this.lastBindingRef += 1;
    const ref = this.lastBindingRef;
    const subscription = this.core.event$(event).subscribe((message) => {
      try {
        callback(message.payload, message.ref, message.join_ref);
      } catch (error) {
        this.report(new CallbackError(`on("${event}")`, error));
      }
    });
    this.bindings.set(ref, { event, subscription });

    return ref;
  }

  /**
   * Removes the callback `on` returned `ref` for, or every callback of
   * `event` when no ref is given.
   *
   * @example
   * ```ts
   * channel.off("hub_call_response", ref);
   * ```
   */
  off(event: string, ref?: number): void {
    for (const [bindingRef, binding] of this.bindings) {
      if (binding.event !== event) continue;
      if (ref !== undefined && ref !== bindingRef) continue;

      binding.subscription.unsubscribe();
      this.bindings.delete(bindingRef);
    }
  }

  /**
   * Calls `callback` when the channel closes: closed by the server, or
   * left. Returns a ref for `off("phx_close", ref)`.
   */
  onClose(callback: (reason?: unknown) => void): number {
    return this.onStateChange("phx_close", "closed", callback);
  }

  /**
   * Calls `callback` when the joined channel errors: the server crashed it,
   * or the connection dropped. The channel rejoins on its own. Returns a
   * ref for `off("phx_error", ref)`.
   */
  onError(callback: (reason?: unknown) => void): number {
    return this.onStateChange("phx_error", "errored", callback);
  }

  /**
   * Leaves the channel: sends `phx_leave` and, on its reply, closes.
   * Pushes still waiting in the buffer fail with `ChannelClosedError`.
   *
   * @example
   * ```ts
   * channel.leave().receive("ok", () => console.log("left"));
   * ```
   */
  leave(): LeavePush {
    const left = firstValueFrom(this.core.left$());
    this.membership.unsubscribe();
    for (const ref of [...this.bindings.keys()]) this.dropBinding(ref);

    return leavePush(left, this.report);
  }

  private onStateChange(
    event: string,
    state: ChannelState,
    callback: (reason?: unknown) => void,
  ): number {
    this.lastBindingRef += 1;
    const ref = this.lastBindingRef;
    const subscription = this.core.state$
      .pipe(
        pairwise(),
        filter(([before, now]) => now === state && before !== now),
      )
      .subscribe(() => {
        try {
          callback(event === "phx_close" ? "leave" : undefined);
        } catch (error) {
          this.report(new CallbackError(`on("${event}")`, error));
        }
      });
    this.bindings.set(ref, { event, subscription });

    return ref;
  }

  private dropBinding(ref: number): void {
    const binding = this.bindings.get(ref);
    if (binding === undefined || binding.event === "phx_close") return;

    binding.subscription.unsubscribe();
    this.bindings.delete(ref);
  }
}

function leavePush(
  left: Promise<LeaveOutcome>,
  report: (error: TransporterError) => void,
): LeavePush {
  const push: LeavePush = {
    receive: (status, callback) => {
      void left.then((outcome) => {
        const matches =
          (status === "ok" && outcome !== "timeout") ||
          (status === "timeout" && outcome === "timeout");
        if (!matches) return;

        try {
          callback(outcome);
        } catch (error) {
          report(new CallbackError(`leave().receive("${status}")`, error));
        }
      });
      return push;
    },
  };

  return push;
}
