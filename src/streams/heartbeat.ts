/**
 * The heartbeat of one open connection: an `interval` that sends
 * `[null, ref, "phoenix", "heartbeat", {}]` and waits for the reply with
 * the same ref. It lives only while its connection is open, so a heartbeat
 * is never buffered nor replayed onto another connection.
 */
import {
  asyncScheduler,
  concat,
  defer,
  exhaustMap,
  first,
  interval,
  map,
  merge,
  type Observable,
  of,
  throwError,
  timeout,
} from "rxjs";
import { HeartbeatTimeoutError } from "../errors.js";
import type { PhoenixMessage } from "./message.js";

/**
 * One step of the heartbeat: sent, acknowledged with its round trip, or
 * timed out.
 *
 * @example
 * ```ts
 * socket.heartbeat$.subscribe((event) => {
 *   if (event.type === "acknowledged") console.log(event.roundTripMs);
 * });
 * // 2
 * ```
 */
export type HeartbeatEvent =
  | { type: "sent"; ref: string; connectionId: number }
  | {
      type: "acknowledged";
      ref: string;
      connectionId: number;
      roundTripMs: number;
    }
  | { type: "timeout"; ref: string; connectionId: number; timeoutMs: number };

/**
 * What {@link heartbeat} needs from the socket and its connection.
 *
 * @example
 * ```ts
 * const options: HeartbeatOptions = {
 *   intervalMs: 30_000,
 *   timeoutMs: 30_000,
 *   connectionId: 1,
 *   send: (ref) => connection.send(heartbeatFrame(ref)),
 *   makeRef: () => socket.makeRef(),
 *   replies$: router.topic$("phoenix"),
 * };
 * ```
 */
export interface HeartbeatOptions {
  /** Time between heartbeats, from the open. */
  intervalMs: number;
  /** How long to wait for each reply. */
  timeoutMs: number;
  connectionId: number;
  makeRef(): string;
  send(ref: string): void;
  /** The messages on topic `phoenix` of this connection. */
  replies$: Observable<PhoenixMessage>;
}

/**
 * Emits a {@link HeartbeatEvent} for every step, and errors with a
 * {@link HeartbeatTimeoutError} right after the `timeout` event. While a
 * reply is awaited, ticks of the interval are skipped: there is never more
 * than one heartbeat in flight.
 *
 * ```
 * interval 3, timeout 2, replies after 1 frame, then none:
 * ticks    ---t--t--t--
 * events   ---sa-sa-s-(t#)
 * ```
 *
 * @example
 * ```ts
 * heartbeat(options).subscribe({
 *   next: (event) => console.log(event.type),
 *   error: (error) => console.log(error.name),
 * });
 * // sent, acknowledged, sent, timeout, HeartbeatTimeoutError
 * ```
 */
export function heartbeat(
  options: HeartbeatOptions,
): Observable<HeartbeatEvent> {
  return interval(options.intervalMs).pipe(exhaustMap(() => beat(options)));
}

function beat(options: HeartbeatOptions): Observable<HeartbeatEvent> {
  const { connectionId, timeoutMs } = options;
  const ref = options.makeRef();
  const sentAt = asyncScheduler.now();

  const reply$ = options.replies$.pipe(
    first((message) => message.ref === ref),
    map(
      (): HeartbeatEvent => ({
        type: "acknowledged",
        ref,
        connectionId,
        roundTripMs: asyncScheduler.now() - sentAt,
      }),
    ),
    timeout({
      first: timeoutMs,
      with: () =>
        concat(
          of<HeartbeatEvent>({ type: "timeout", ref, connectionId, timeoutMs }),
          throwError(() => new HeartbeatTimeoutError(ref, timeoutMs)),
        ),
    }),
  );

  const send$ = defer(() => {
    options.send(ref);
    return of<HeartbeatEvent>({ type: "sent", ref, connectionId });
  });

  // The reply is listened for before the heartbeat goes out, so that an
  // answer arriving at once cannot slip past.
  return merge(reply$, send$);
}
