/**
 * A push on its way out: made by the caller, perhaps held in the buffer
 * while the channel is not joined, then sent with a fresh ref and the join
 * ref of the moment.
 */

/**
 * Who wants to know when a push goes out, or that it never will.
 *
 * @example
 * ```ts
 * const watcher: PushWatcher = {
 *   sent: (ref) => console.log("sent as", ref),
 *   failed: (error) => console.log(error.message),
 * };
 * ```
 */
export interface PushWatcher {
  sent(ref: string): void;
  failed(error: Error): void;
}

/**
 * One push, from the call until it is sent or fails.
 *
 * @example
 * ```ts
 * const push = new OutboundPush("new_msg", { body: "hi" });
 * push.watch({ sent: (ref) => console.log("sent as", ref), failed() {} });
 * push.markSent("12");
 * // sent as 12
 * ```
 */
export class OutboundPush {
  /** The ref it was sent with; undefined while it waits. */
  ref: string | undefined;
  private watcher: PushWatcher | undefined;
  private failure: Error | undefined;

  constructor(
    readonly event: string,
    readonly payload: unknown,
  ) {}

  /** Called once by the channel when the push goes out. */
  markSent(ref: string): void {
    this.ref = ref;
    this.watcher?.sent(ref);
  }

  /**
   * Called by the channel when the push can never be sent. Returns whether
   * somebody was told; if nobody was, the channel reports the error.
   */
  fail(error: Error): boolean {
    this.failure = error;
    if (this.watcher === undefined) return false;

    this.watcher.failed(error);
    return true;
  }

  /**
   * Tells `watcher` when the push is sent or fails, at once if that
   * already happened. A push has one watcher; a new one replaces it.
   */
  watch(watcher: PushWatcher): void {
    if (this.ref !== undefined) watcher.sent(this.ref);
    else if (this.failure !== undefined) watcher.failed(this.failure);
    else this.watcher = watcher;
  }
}
