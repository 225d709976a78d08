/**
 * A push on its way out: made by the caller, perhaps held in the buffer
 * while the channel is not joined, then sent with a fresh ref and the join
 * ref of the moment.
 */

/**
 * One push, from the call until it is sent or fails.
 *
 * @example
 * ```ts
 * const push = new OutboundPush("new_msg", { body: "hi" });
 * push.whenSent((ref) => console.log("sent as", ref));
 * push.markSent("12");
 * // sent as 12
 * ```
 */
export class OutboundPush {
  /** The ref it was sent with; undefined while it waits. */
  ref: string | undefined;
  private sentListener: ((ref: string) => void) | undefined;
  private failListener: ((error: Error) => void) | undefined;
  private failure: Error | undefined;

  constructor(
    readonly event: string,
    readonly payload: unknown,
  ) {}

  /** Called once by the channel when the push goes out. */
  markSent(ref: string): void {
    this.ref = ref;
    this.sentListener?.(ref);
  }

  /**
   * Runs `listener` with the ref once the push is sent, at once if it
   * already was.
   */
  whenSent(listener: (ref: string) => void): void {
    if (this.ref !== undefined) listener(this.ref);
    else this.sentListener = listener;
  }

  /**
   * Called by the channel when the push can never be sent. Returns whether
   * somebody was told; if nobody was, the channel reports the error.
   */
  fail(error: Error): boolean {
    this.failure = error;
    if (this.failListener === undefined) return false;

    this.failListener(error);
    return true;
  }

  /** Runs `listener` if the push fails before it is sent. */
  whenFailed(listener: (error: Error) => void): void {
    if (this.failure !== undefined) listener(this.failure);
    else this.failListener = listener;
  }
}
