/**
 * The pushes made while a channel is not joined, in order, up to a fixed
 * number. They are sent after the next join's "ok", never replayed from an
 * old connection.
 */
import { BufferOverflowError } from "../errors.js";
import type { OutboundPush } from "./outbound-push.js";

/**
 * A bounded first-in, first-out queue of pushes.
 *
 * @example
 * ```ts
 * const buffer = new PushBuffer("room:1", 2);
 * buffer.add(new OutboundPush("a", {}));
 * buffer.add(new OutboundPush("b", {}));
 * buffer.add(new OutboundPush("c", {}));
 * // BufferOverflowError: Push c on room:1 refused: 2 pushes already ...
 * ```
 */
export class PushBuffer {
  private readonly pushes: OutboundPush[] = [];

  constructor(
    private readonly topic: string,
    readonly capacity: number,
  ) {}

  /** @throws {BufferOverflowError} when the buffer is full. */
  add(push: OutboundPush): void {
    if (this.pushes.length >= this.capacity) {
      throw new BufferOverflowError(this.topic, push.event, this.capacity);
    }

    this.pushes.push(push);
  }

  /** Takes the oldest push out. */
  take(): OutboundPush | undefined {
    return this.pushes.shift();
  }

  /** Removes a push that gave up waiting (its timeout, or unsubscribe). */
  remove(push: OutboundPush): void {
    const index = this.pushes.indexOf(push);
    if (index !== -1) this.pushes.splice(index, 1);
  }

  /** Empties the buffer, handing every push to `each`. */
  drain(each: (push: OutboundPush) => void): void {
    const pushes = this.pushes.splice(0);
    for (const push of pushes) each(push);
  }

  get size(): number {
    return this.pushes.length;
  }
}
