/**
 * A push with phoenix.js's `receive` chain, on top of the stream engine.
 * The push goes out (or into the buffer) when it is made; a reply is only
 * waited for once somebody calls `receive`, so pushes that expect none
 * (`invoke_tool_response`) keep no timer and no entry anywhere.
 */
import { asyncScheduler, type Unsubscribable } from "rxjs";
import { CallbackError, type TransporterError } from "../errors.js";
import type { PhoenixChannel } from "../streams/channel.js";
import type { ReplyPayload } from "../streams/message.js";
import type { OutboundPush } from "../streams/outbound-push.js";
import type { ReplyWaiter } from "../streams/pending-replies.js";

/** The statuses a `receive` callback can wait for. */
export type PushStatus = "ok" | "error" | "timeout";

/** A `receive` callback: gets the reply's response (or the error). */
// biome-ignore lint/suspicious/noExplicitAny: responses are arbitrary JSON, as in phoenix.js
export type ReceiveCallback = (response?: any) => void;

type Settled = { status: PushStatus; response: unknown };

/**
 * A push made through the phoenix.js-compatible channel.
 *
 * @example
 * ```ts
 * channel
 *   .push("register_plugin", definition)
 *   .receive("ok", (response) => console.log("registered", response))
 *   .receive("error", (response) => console.log("refused", response))
 *   .receive("timeout", () => console.log("no answer"));
 * ```
 */
export class Push implements ReplyWaiter {
  /**
   * The `receive` calls, as status and callback in turn, in call order;
   * made on the first one, so a push nobody waits on keeps nothing. One
   * flat array, since thousands of pushes may be waiting at a time.
   */
  private receivers: (PushStatus | ReceiveCallback)[] | undefined;
  private createdAt = asyncScheduler.now();
  private outbound: OutboundPush;
  private waiting: Unsubscribable | undefined;
  private settled: Settled | undefined;

  /**
   * @throws {ChannelClosedError} when the channel was left or closed.
   * @throws {BufferOverflowError} when the channel is not joined and its
   * buffer is full.
   */
  constructor(
    private readonly channel: PhoenixChannel,
    readonly event: string,
    readonly payload: unknown,
    private timeoutMs: number,
    private readonly report: (error: TransporterError) => void,
  ) {
    this.outbound = channel.send(event, payload);
  }

  /**
   * Calls `callback` when the push settles with `status`: "ok" or "error"
   * with the reply's response, "timeout" when no reply came within the
   * timeout (counted from the push) or none can come any more (the channel
   * was lost or closed; the error is passed). A callback added after the
   * push settled is called at once.
   */
  receive(status: PushStatus, callback: ReceiveCallback): this {
    if (this.settled?.status === status) {
      this.call(callback, this.settled.response);
      return this;
    }

    this.receivers ??= [];
    this.receivers.push(status, callback);
    this.waitForReply();
    return this;
  }

  /**
   * Sends the push again, as a new push with a new ref: phoenix.js's
   * `send`. The `receive` callbacks stay and wait for the new reply.
   */
  send(): void {
    this.resend(this.timeoutMs);
  }

  /**
   * Sends the push again with a new timeout: phoenix.js's `resend`.
   *
   * @throws {ChannelClosedError} or {BufferOverflowError} as `push` does.
   */
  resend(timeoutMs: number): void {
    this.waiting?.unsubscribe();
    this.waiting = undefined;
    this.settled = undefined;
    this.timeoutMs = timeoutMs;
    this.createdAt = asyncScheduler.now();
    this.outbound = this.channel.send(this.event, this.payload);

    if (this.receivers !== undefined) this.waitForReply();
  }

  /** @internal The channel hands the reply over here. */
  reply(reply: ReplyPayload): void {
    this.settle(reply.status === "ok" ? "ok" : "error", reply.response);
  }

  /**
   * @internal The channel says no reply will come: timed out, lost, or
   * never sent.
   */
  fail(error: Error): void {
    this.settle("timeout", error);
  }

  private waitForReply(): void {
    if (this.waiting !== undefined || this.settled !== undefined) return;

    this.waiting = this.channel.awaitReply(
      this.outbound,
      this,
      this.timeoutMs,
      this.createdAt,
    );
  }

  private settle(status: PushStatus, response: unknown): void {
    this.settled = { status, response };
    const receivers = this.receivers ?? [];
    for (let index = 0; index < receivers.length; index += 2) {
      if (receivers[index] !== status) continue;

      this.call(receivers[index + 1] as ReceiveCallback, response);
    }
  }

  /** Runs a user callback; a throw or a rejection is reported, not raised. */
  private call(callback: ReceiveCallback, response: unknown): void {
    const report = (error: unknown) =>
      this.report(new CallbackError(`receive("${this.event}")`, error));

    try {
      const result: unknown = callback(response);
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  }
}
