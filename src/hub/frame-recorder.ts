import {
  filter,
  firstValueFrom,
  type Observable,
  Subject,
  take,
  throwError,
  timeout,
} from "rxjs";
import { HubWaitTimeoutError } from "./errors.js";
import type { RecordedFrame } from "./types.js";

/** Default bound of {@link FrameRecorder.waitFor}. */
export const DEFAULT_WAIT_TIMEOUT_MS = 5_000;

/**
 * Keeps every frame the hub saw or sent, in order, and streams them.
 *
 * @example
 * const recorder = new FrameRecorder();
 * recorder.record(frame);
 * await recorder.waitFor((f) => f.event === "phx_join");
 */
export class FrameRecorder {
  readonly frames: RecordedFrame[] = [];
  readonly frames$: Observable<RecordedFrame>;
  private readonly framesSubject = new Subject<RecordedFrame>();

  constructor() {
    this.frames$ = this.framesSubject.asObservable();
  }

  record(frame: RecordedFrame): void {
    this.frames.push(frame);
    this.framesSubject.next(frame);
  }

  clear(): void {
    this.frames.length = 0;
  }

  /**
   * The first matching frame, looking at recorded frames before new ones.
   * Default timeout: 5_000 ms.
   */
  waitFor(
    predicate: (frame: RecordedFrame) => boolean,
    timeoutMs = DEFAULT_WAIT_TIMEOUT_MS,
  ): Promise<RecordedFrame> {
    const recorded = this.frames.find(predicate);
    if (recorded) {
      return Promise.resolve(recorded);
    }

    if (this.framesSubject.closed || this.framesSubject.isStopped) {
      return Promise.reject(new HubWaitTimeoutError(timeoutMs, true));
    }

    const next$ = this.framesSubject.pipe(
      filter(predicate),
      take(1),
      timeout({
        first: timeoutMs,
        with: () => throwError(() => new HubWaitTimeoutError(timeoutMs, false)),
      }),
    );
    return firstValueFrom(next$, { defaultValue: undefined }).then((frame) => {
      if (!frame) {
        throw new HubWaitTimeoutError(timeoutMs, true);
      }
      return frame;
    });
  }

  /** Completes `frames$`; pending waits reject as closed. */
  complete(): void {
    this.framesSubject.complete();
  }
}
