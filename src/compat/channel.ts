/**
 * The channel SDK code gets from `connect`: the members of phoenix.js's
 * `Channel` that SDK code uses (push with receive chains, on/off with refs,
 * onClose, onError, leave, topic, state), plus the streams underneath for
 * code that prefers them.
 */
import {
  BehaviorSubject,
  combineLatest,
  distinctUntilChanged,
  filter,
  map,
  type Observable,
  of,
  pairwise,
  ReplaySubject,
  race,
  type Subscription,
  take,
  takeWhile,
  tap,
  timer,
} from "rxjs";
import {
  CallbackError,
  ChannelClosedError,
  type TransporterError,
} from "../errors.js";
import type {
  ChannelState,
  LeaveOutcome,
  PhoenixChannel,
} from "../streams/channel.js";
import type { PhoenixMessage } from "../streams/message.js";
import { EventBinding, type EventCallback } from "./event-binding.js";
import { Push, type PushStatus, type ReceiveCallback } from "./push.js";

export type { EventCallback } from "./event-binding.js";

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
 * The result of `leave()`: "ok" once this channel let go of the topic (the
 * server answered the leave, or another holder keeps the join), "timeout"
 * if the server did not answer in time.
 */
export interface LeavePush {
  receive(status: PushStatus, callback: ReceiveCallback): LeavePush;
}

/** What `on`, `onClose` and `onError` keep by ref, until `off`. */
interface Binding {
  readonly event: string;
  unsubscribe(): void;
}

/**
 * Whether this Channel still holds its share of the topic's join: `held`
 * until `leave`, `leaving` while the leave it sent waits for its answer,
 * `left` after. A topic connected twice shares one join; each Channel has
 * its own holding.
 */
type Holding = "held" | "leaving" | "left";

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
  /** By ref; made on the first `on`, `onClose` or `onError`. */
  private bindings: Map<number, Binding> | undefined;
  private lastBindingRef = 0;
  private holding: Holding = "held";
  /** Made for the first `onClose` or `onError`, then kept in step. */
  private holdingChanges: BehaviorSubject<Holding> | undefined;
  private leaveOutcome$: Observable<LeaveOutcome> | undefined;

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

  /**
   * closed, joining, joined, errored or leaving: the join's state while
   * this Channel holds it, "closed" once this Channel has left.
   */
  get state(): ChannelState {
    return stateOf(this.core.currentState, this.holding);
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
    if (this.holding !== "held") {
      throw new ChannelClosedError(this.topic, event);
    }

    return new Push(this.core, event, payload, timeoutMs, this.report);
  }

  /**
   * Calls `callback(payload, ref, joinRef)` for every message of `event`;
   * returns the ref that `off` takes. An exception in the callback is
   * reported and the next message still arrives. After `leave`, the
   * callback is never called.
   *
   * @example
   * ```ts
   * const ref = channel.on("invoke_tool", (payload) => handle(payload));
   * ```
   */
  on(event: string, callback: EventCallback): number {
    this.lastBindingRef += 1;
    const ref = this.lastBindingRef;
    if (this.holding !== "held") return ref;

    this.bindingsByRef().set(
      ref,
      new EventBinding(this.core, event, callback, this.report),
    );

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
    for (const [bindingRef, binding] of this.bindingsByRef()) {
      if (binding.event !== event) continue;
      if (ref !== undefined && ref !== bindingRef) continue;

      binding.unsubscribe();
      this.bindingsByRef().delete(bindingRef);
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
   * Leaves the channel. From now on this Channel reads "closed", `push`
   * throws `ChannelClosedError` and its `on` callbacks are dropped. When
   * it was the topic's last holder, `phx_leave` goes out, pushes still
   * waiting in the buffer fail with `ChannelClosedError`, and
   * `receive("ok")` fires on the reply; `receive("timeout")` fires when it
   * does not come within `timeoutMs` (default: the channel's leave
   * timeout), and the channel closes either way. When another `connect`
   * of the topic still holds the join, nothing is sent and
   * `receive("ok")` fires at once. Calling it again changes nothing.
   *
   * @example
   * ```ts
   * channel.leave(1_000).receive("ok", () => console.log("left"));
   * ```
   */
  leave(timeoutMs?: number): LeavePush {
    this.leaveOutcome$ ??= this.letGo(timeoutMs);

    return leavePush(this.leaveOutcome$, this.report);
  }

  /**
   * Drops the bindings and the membership. Whether that sent the engine's
   * leave shows at once: the join's state turns "leaving", or the leave
   * ends on the spot (nothing to leave). Otherwise another holder keeps
   * the join, and this Channel has left already.
   */
  private letGo(timeoutMs: number | undefined): Observable<LeaveOutcome> {
    for (const ref of [...(this.bindings?.keys() ?? [])]) {
      this.dropBinding(ref);
    }
    const stateBefore = this.core.currentState;
    let answered: LeaveOutcome | undefined;
    const answer = this.core.left$().subscribe((outcome) => {
      answered = outcome;
    });
    this.membership.unsubscribe();
    answer.unsubscribe();
    const leaveSent =
      stateBefore !== "leaving" && this.core.currentState === "leaving";

    if (answered === undefined && leaveSent) {
      return this.awaitLeave(timeoutMs);
    }

    return this.settleLeave(answered ?? "ok");
  }

  /** The engine's leave is under way: its answer, or the caller's timeout. */
  private awaitLeave(timeoutMs: number | undefined): Observable<LeaveOutcome> {
    this.setHolding("leaving");
    const left$ =
      timeoutMs === undefined
        ? this.core.left$()
        : race(
            this.core.left$(),
            timer(timeoutMs).pipe(map((): LeaveOutcome => "timeout")),
          );
    const outcome$ = new ReplaySubject<LeaveOutcome>(1);
    left$
      .pipe(
        take(1),
        tap(() => this.setHolding("left")),
      )
      .subscribe(outcome$);

    return outcome$;
  }

  private settleLeave(outcome: LeaveOutcome): Observable<LeaveOutcome> {
    this.setHolding("left");

    return of(outcome);
  }

  /**
   * The state as this Channel sees it, emitting changes only; completes
   * once this Channel has left, as nothing changes after.
   */
  private state$(): Observable<ChannelState> {
    this.holdingChanges ??= new BehaviorSubject(this.holding);

    return combineLatest([this.core.state$, this.holdingChanges]).pipe(
      takeWhile(([, holding]) => holding !== "left", true),
      map(([state, holding]) => stateOf(state, holding)),
      distinctUntilChanged(),
    );
  }

  private setHolding(holding: Holding): void {
    this.holding = holding;
    this.holdingChanges?.next(holding);
  }

  private onStateChange(
    event: string,
    state: ChannelState,
    callback: () => void | Promise<void>,
  ): number {
    this.lastBindingRef += 1;
    const ref = this.lastBindingRef;
    const subscription = this.state$()
      .pipe(
        pairwise(),
        filter(([before, now]) => now === state && before !== now),
      )
      .subscribe(() => this.call(`on("${event}")`, callback));
    this.bindingsByRef().set(ref, {
      event,
      unsubscribe: () => subscription.unsubscribe(),
    });

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

  private bindingsByRef(): Map<number, Binding> {
    this.bindings ??= new Map();

    return this.bindings;
  }

  private dropBinding(ref: number): void {
    const binding = this.bindingsByRef().get(ref);
    if (binding === undefined || binding.event === "phx_close") return;

    binding.unsubscribe();
    this.bindingsByRef().delete(ref);
  }
}

/**
 * The join's state as a Channel sees it: the join's own while held; once
 * let go, "leaving" while its leave is under way, else "closed".
 */
function stateOf(state: ChannelState, holding: Holding): ChannelState {
  if (holding === "held") return state;
  if (holding === "leaving" && state === "leaving") return "leaving";

  return "closed";
}

function leavePush(
  outcome$: Observable<LeaveOutcome>,
  report: (error: TransporterError) => void,
): LeavePush {
  const push: LeavePush = {
    receive: (status, callback) => {
      outcome$
        .pipe(filter((outcome) => matchesStatus(status, outcome)))
        .subscribe((outcome) => {
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

/** "ok" answers every outcome but a timeout; "error" never comes. */
function matchesStatus(status: PushStatus, outcome: LeaveOutcome): boolean {
  if (status === "timeout") return outcome === "timeout";

  return status === "ok" && outcome !== "timeout";
}
