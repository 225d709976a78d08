/**
 * The channel SDK code gets from `connect`: the members of phoenix.js's
 * `Channel` that SDK code uses (push with receive chains, on/off with refs,
 * onClose, onError, leave, topic, state), plus the streams underneath for
 * code that prefers them.
 */
import {
  filter,
  firstValueFrom,
  map,
  type Observable,
  pairwise,
  race,
  type Subscription,
  timer,
} from "rxjs";
import { CallbackError, type TransporterError } from "../errors.js";
import type {
  ChannelState,
  LeaveOutcome,
  PhoenixChannel,
} from "../streams/channel.js";
import type { PhoenixMessage } from "../streams/message.js";
import { Push, type PushStatus, type ReceiveCallback } from "./push.js";

/**
 * A callback of `on`: payload, ref and join ref, as phoenix.js passes. It
 * may be async; a rejection is reported like a throw.
 */
export type EventCallback = (
  // biome-ignore lint/suspicious/noExplicitAny: payloads are arbitrary JSON
  payload: any,
  ref: string | null,
  joinRef: string | null,
) => void | Promise<void>;

/**
 * A callback of `onClose`, with phoenix.js's arguments: the payload is
 * `"leave"`, and ref and join ref are undefined. May be async.
 */
export type CloseCallback = (
  // biome-ignore lint/suspicious/noExplicitAny: phoenix.js passes any
  payload: any,
  // biome-ignore lint/suspicious/noExplicitAny: phoenix.js passes any
  ref: any,
  // biome-ignore lint/suspicious/noExplicitAny: phoenix.js passes any
  joinRef: any,
) => void | Promise<void>;

/** A callback of `onError`. May be async. */
// biome-ignore lint/suspicious/noExplicitAny: phoenix.js passes any
export type ErrorCallback = (reason?: any) => void | Promise<void>;

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
    const where = `on("${event}")`;
    const subscription = this.core.event$(event).subscribe((message) => {
      try {
        const result = callback(message.payload, message.ref, message.join_ref);
        if (result instanceof Promise) this.reportRejection(where, result);
      } catch (error) {
        this.report(new CallbackError(where, error));
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
   * Calls `callback("leave", undefined, undefined)` when the channel
   * closes: closed by the server, or left. Returns a ref for
   * `off("phx_close", ref)`.
   *
   * @example
   * ```ts
   * channel.onClose(() => console.log("channel closed"));
   * ```
   */
  onClose(callback: CloseCallback): number {
    return this.onStateChange("phx_close", "closed", () =>
      callback("leave", undefined, undefined),
    );
  }

  /**
   * Calls `callback()` when the joined channel errors: the server crashed
   * it, or the connection dropped. The channel rejoins on its own. Returns
   * a ref for `off("phx_error", ref)`.
   *
   * @example
   * ```ts
   * channel.onError(() => console.log("channel errored, rejoining"));
   * ```
   */
  onError(callback: ErrorCallback): number {
    return this.onStateChange("phx_error", "errored", () => callback());
  }

  /**
   * Leaves the channel: sends `phx_leave` and, on its reply, closes.
   * Pushes still waiting in the buffer fail with `ChannelClosedError`.
   * `receive("timeout")` fires when the reply does not come within
   * `timeoutMs` (default: the channel's leave timeout); the channel closes
   * either way.
   *
   * @example
   * ```ts
   * channel.leave(1_000).receive("ok", () => console.log("left"));
   * ```
   */
  leave(timeoutMs?: number): LeavePush {
    const left$ =
      timeoutMs === undefined
        ? this.core.left$()
        : race(
            this.core.left$(),
            timer(timeoutMs).pipe(map((): LeaveOutcome => "timeout")),
          );
    const left = firstValueFrom(left$);
    this.membership.unsubscribe();
    for (const ref of [...this.bindings.keys()]) this.dropBinding(ref);

    return leavePush(left, this.report);
  }

  private onStateChange(
    event: string,
    state: ChannelState,
    callback: () => void | Promise<void>,
  ): number {
    this.lastBindingRef += 1;
    const ref = this.lastBindingRef;
    const subscription = this.core.state$
      .pipe(
        pairwise(),
        filter(([before, now]) => now === state && before !== now),
      )
      .subscribe(() => this.call(`on("${event}")`, callback));
    this.bindings.set(ref, { event, subscription });

    return ref;
  }

  /** Runs a user callback; a throw or a rejection is reported, not raised. */
  private call(where: string, callback: () => void | Promise<void>): void {
    try {
      const result = callback();
      if (result instanceof Promise) this.reportRejection(where, result);
    } catch (error) {
      this.report(new CallbackError(where, error));
    }
  }

  private reportRejection(where: string, result: Promise<void>): void {
    result.catch((error: unknown) =>
      this.report(new CallbackError(where, error)),
    );
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
