import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { Observable, timer } from "rxjs";
import type { ClientConnection } from "./connection.js";
import { HubChannelClosedError, HubRequestTimeoutError } from "./errors.js";
import type { PhoenixMessage } from "./frame-codec.js";
import type { HubRequestEvent, HubRequestResult } from "./types.js";

interface PendingRequest {
  connectionId: string;
  topic: string;
  event: HubRequestEvent;
  requestId: string;
  settle(result: HubRequestResult): void;
  fail(error: Error): void;
}

/**
 * Hub → plugin requests waiting for their answer, by request_id. An answer
 * is `<event>_response`, `<event>_error` or `unsupported_event` with the
 * same request_id on the same connection and topic.
 *
 * @example
 * const requests = new HubRequests(logger);
 * requests.request$(connection, "debug_plugin:x", "invoke_tool", {}, 10_000)
 *   .subscribe((result) => console.log(result.ok));
 */
export class HubRequests {
  private readonly pending = new Map<string, PendingRequest>();

  constructor(private readonly logger: Logger) {}

  /**
   * Sends the request when subscribed; emits the answer once, or errors
   * with `HubRequestTimeoutError` after `timeoutMs` or
   * `HubChannelClosedError` when the channel ends first. Unsubscribing
   * forgets the request.
   */
  request$(
    connection: ClientConnection,
    topic: string,
    event: HubRequestEvent,
    data: unknown,
    timeoutMs: number,
  ): Observable<HubRequestResult> {
    return new Observable<HubRequestResult>((subscriber) => {
      const requestId = randomUUID();
      const info = { topic, event, requestId };

      this.pending.set(requestId, {
        ...info,
        connectionId: connection.id,
        settle: (result) => {
          subscriber.next(result);
          subscriber.complete();
        },
        fail: (error) => subscriber.error(error),
      });

      const timeout = timer(timeoutMs).subscribe(() =>
        subscriber.error(new HubRequestTimeoutError({ ...info, timeoutMs })),
      );

      connection.send({
        joinRef: connection.channels.get(topic) ?? null,
        ref: null,
        topic,
        event,
        payload: { request_id: requestId, data },
      });

      return () => {
        timeout.unsubscribe();
        this.pending.delete(requestId);
      };
    });
  }

  /**
   * Settles the request `message` answers. Returns false (and logs) when no
   * pending request matches.
   */
  settle(connection: ClientConnection, message: PhoenixMessage): boolean {
    const requestId = (message.payload as { request_id?: unknown } | null)
      ?.request_id;
    const request =
      typeof requestId === "string" ? this.pending.get(requestId) : undefined;
    const result = request && answerOf(request, connection, message);

    if (!request || !result) {
      this.logger.warn(
        {
          connectionId: connection.id,
          topic: message.topic,
          event: message.event,
          requestId,
        },
        "answer matches no pending request",
      );
      return false;
    }

    request.settle(result);
    return true;
  }

  /** Fails every request waiting on this channel. */
  failChannel(connectionId: string, topic: string, reason: string): void {
    for (const request of [...this.pending.values()]) {
      if (request.connectionId === connectionId && request.topic === topic) {
        request.fail(new HubChannelClosedError({ ...request, reason }));
      }
    }
  }

  /** Fails every pending request (the hub is stopping). */
  failAll(reason: string): void {
    for (const request of [...this.pending.values()]) {
      request.fail(new HubChannelClosedError({ ...request, reason }));
    }
  }
}

function answerOf(
  request: PendingRequest,
  connection: ClientConnection,
  message: PhoenixMessage,
): HubRequestResult | undefined {
  const sameChannel =
    request.connectionId === connection.id && request.topic === message.topic;
  if (!sameChannel) {
    return undefined;
  }

  const payload = message.payload as { data?: unknown; error?: unknown };
  switch (message.event) {
    case `${request.event}_response`:
      return { ok: true, data: payload.data };
    case `${request.event}_error`:
    case "unsupported_event":
      return { ok: false, error: payload.error };
    default:
      return undefined;
  }
}
