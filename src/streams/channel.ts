/**
 * A Phoenix channel on a {@link PhoenixSocket}: the join as a `defer` plus
 * `timeout`, rejoins after a reconnect or a crash, pushes correlated with
 * their replies by ref, a bounded buffer for pushes made while not joined,
 * and the leave when the last subscriber goes.
 */
import {
  asyncScheduler,
  BehaviorSubject,
  defer,
  EMPTY,
  finalize,
  first,
  map,
  merge,
  mergeMap,
  Observable,
  of,
  retry,
  Subject,
  type Subscriber,
  type Subscription,
  take,
  throwError,
  timeout,
  timer,
  type Unsubscribable,
} from "rxjs";
import {
  ChannelClosedError,
  JoinError,
  JoinTimeoutError,
  PushError,
  ReplyLostError,
} from "../errors.js";
import { stepDelay } from "./backoff.js";
import {
  type ChannelOptions,
  type ResolvedChannelOptions,
  resolveChannelOptions,
} from "./channel-options.js";
import { DeadlineQueue } from "./deadline-queue.js";
import {
  PhoenixEvent,
  type PhoenixMessage,
  type ReplyPayload,
} from "./message.js";
import { MessageRouter, type MessageSink } from "./message-router.js";
import { OutboundPush } from "./outbound-push.js";
import { PendingReplies, type ReplyWaiter } from "./pending-replies.js";
import { PushBuffer } from "./push-buffer.js";
import { type ReplyScope, ReplyWait } from "./reply-wait.js";
import type {
  ConnectionWatcher,
  LifecycleEvent,
  PhoenixSocket,
} from "./socket.js";

export type { ChannelOptions } from "./channel-options.js";

/** Where a channel is, with phoenix.js's names. */
export type ChannelState =
  | "closed"
  | "joining"
  | "joined"
  | "errored"
  | "leaving";

/**
 * A successful join: the first one, or a rejoin after a reconnect or a
 * crash.
 *
 * @example
 * ```ts
 * channel.joined$.subscribe((joined) => console.log(joined.rejoin));
 * // false
 * ```
 */
export interface JoinedEvent {
  topic: string;
  joinRef: string;
  /** The server's response to the join. */
  response: unknown;
  rejoin: boolean;
}

/** How a leave ended: answered, timed out, or not sent at all. */
export type LeaveOutcome = "ok" | "timeout" | "skipped";

/** The connection closed while a join waited for its reply. */
class JoinInterrupted extends Error {
  constructor() {
    super("connection closed during the join");
  }
}

/**
 * One channel of a socket, as streams.
 *
 * @example
 * ```ts
 * const channel = new PhoenixChannel(socket, "room:1");
 * const membership = channel.joined$.subscribe();
 * channel.push$("new_msg", { body: "hi" }).subscribe(console.log);
 * // { id: 1 }   (the reply's response)
 * membership.unsubscribe(); // the last subscriber: the channel leaves
 * ```
 */
export class PhoenixChannel {
  /**
   * Joins on the first subscription and leaves when the last one goes;
   * however many subscribe, there is one `phx_join`. Emits each successful
   * join (replaying the latest to late subscribers), errors with
   * {@link JoinError} or {@link JoinTimeoutError} when the first join
   * fails, and completes when the server closes the channel.
   *
   * ```
   * socket open:  --o--------x---o-------
   * joined$:      ---j-----------j-------  (the second one a rejoin)
   * ```
   */
  readonly joined$: Observable<JoinedEvent>;

  private readonly options: ResolvedChannelOptions;
  private state: ChannelState = "closed";
  /** Made for the first subscriber of `state$`, then kept in step. */
  private stateChanges: BehaviorSubject<ChannelState> | undefined;
  private readonly replies = new PendingReplies();
  // Made on first use: a channel that nobody asks for its messages, its
  // events or its leave, that never buffers a push or waits for a reply,
  // does not carry what those need.
  private buffer: PushBuffer | undefined;
  private scope: ReplyScope | undefined;
  private messages: Subject<PhoenixMessage> | undefined;
  private events: MessageRouter | undefined;
  private left: Subject<LeaveOutcome> | undefined;
  private joinRef: string | undefined;
  private active = false;
  private lastLeave: LeaveOutcome = "skipped";
  private leaving: Subscription | undefined;
  /** Takes this topic's messages from the socket, while held. */
  private readonly inbound: MessageSink = {
    next: (message) => this.receive(message),
  };
  private inboundHolders = 0;

  // The session: it runs while `joined$` has subscribers (members). It is
  // written out by hand rather than as a chain of operators kept for the
  // channel's life, so a joined channel holds a few fields, not dozens of
  // subscribers and closures: the join itself is still `join$`, a
  // `defer` plus `timeout` that ends once answered.
  /** The subscribers of `joined$`; replaced, never changed in place. */
  private members: readonly Subscriber<JoinedEvent>[] = [];
  /** The latest join of this session, replayed to late members. */
  private latestJoin: JoinedEvent | undefined;
  /** The step under way: a join, or the wait before a rejoin. */
  private step: Subscription | undefined;
  /** Whether a join is held: its loss is watched for. */
  private holding = false;
  /** Told by the socket when the connection closes, while a join is held. */
  private readonly connectionWatcher: ConnectionWatcher = {
    connectionClosed: () => this.joinLost("connection"),
  };
  private sessionHoldsInbound = false;
  private joinedBefore = false;
  private failedJoins = 0;

  constructor(
    private readonly socket: PhoenixSocket,
    readonly topic: string,
    options: ChannelOptions = {},
  ) {
    this.options = resolveChannelOptions(options);
    this.joined$ = new Observable<JoinedEvent>((member) =>
      this.addMember(member),
    );
  }

  /** Where the channel is; replays the current state. */
  get state$(): Observable<ChannelState> {
    return defer(() => {
      this.stateChanges ??= new BehaviorSubject(this.state);

      return this.stateChanges;
    });
  }

  /**
   * Every inbound message of the current join, hot; completes when the
   * channel closes (left, closed by the server, or its join failed).
   */
  get messages$(): Observable<PhoenixMessage> {
    return defer(() => {
      this.messages ??= new Subject<PhoenixMessage>();

      return this.messages;
    });
  }

  /** The current state. */
  get currentState(): ChannelState {
    return this.state;
  }

  /**
   * The messages of one event, hot, routed with one map lookup; completes
   * when the channel closes.
   *
   * @example
   * ```ts
   * channel.event$("hub_call_response").subscribe((m) => console.log(m));
   * ```
   */
  event$(event: string): Observable<PhoenixMessage> {
    return defer(() => this.eventRouter().route$(event));
  }

  /**
   * Hands the messages of `event` to `sink` until {@link detachEvent}, or
   * until the channel closes (then `sink.complete` is called): what
   * {@link event$} does, without the objects of a subscription.
   *
   * @example
   * ```ts
   * const sink = { next: (message: PhoenixMessage) => console.log(message) };
   * channel.attachEvent("invoke_tool", sink);
   * channel.detachEvent("invoke_tool", sink);
   * ```
   */
  attachEvent(event: string, sink: MessageSink): void {
    this.eventRouter().attach(event, sink);
  }

  /** Stops what {@link attachEvent} started; a no-op for an unknown sink. */
  detachEvent(event: string, sink: MessageSink): void {
    this.events?.detach(event, sink);
  }

  /**
   * Pushes an event and waits for its reply: emits the reply's response on
   * status ok and completes; errors with {@link PushError} on status error,
   * {@link PushTimeoutError} when no reply comes within `timeoutMs` of the
   * subscription (time in the buffer included), {@link ReplyLostError}
   * when the channel is lost first, {@link BufferOverflowError} or
   * {@link ChannelClosedError} when it cannot be queued. Cold: each
   * subscription pushes once; unsubscribing stops waiting.
   *
   * ```
   * push$("e", p, { timeoutMs: 5 }), reply after 2:   --(r|)
   * push$("e", p, { timeoutMs: 5 }), no reply:        -----#
   * ```
   *
   * @example
   * ```ts
   * channel.push$("register_plugin", definition).subscribe({
   *   next: (response) => console.log("registered", response),
   *   error: (error) => console.log(error.message),
   * });
   * ```
   */
  push$(
    event: string,
    payload: unknown,
    options: { timeoutMs?: number } = {},
  ): Observable<unknown> {
    const timeoutMs = options.timeoutMs ?? this.options.pushTimeoutMs;

    return new Observable<unknown>((subscriber) => {
      const push = this.send(event, payload);

      return this.awaitReply(
        push,
        {
          reply: (reply) => {
            if (reply.status !== "ok") {
              subscriber.error(
                new PushError(this.topic, event, reply.response),
              );
              return;
            }

            subscriber.next(reply.response);
            subscriber.complete();
          },
          fail: (error) => subscriber.error(error),
        },
        timeoutMs,
      );
    });
  }

  /**
   * Sends a push now, or queues it while the channel is not joined, and
   * returns it without waiting for any reply: what answers to the hub
   * (`invoke_tool_response`, which gets no reply) should use. Pair it with
   * {@link reply$} to wait for a reply after all.
   *
   * @throws {ChannelClosedError} when the channel is not active.
   * @throws {BufferOverflowError} when it must wait and the buffer is full.
   * @example
   * ```ts
   * channel.send("invoke_tool_response", { request_id, data });
   * ```
   */
  send(event: string, payload: unknown): OutboundPush {
    if (!this.active) throw new ChannelClosedError(this.topic, event);

    const push = new OutboundPush(event, payload);
    if (this.bufferedPushes === 0 && this.canSend()) this.transmit(push);
    else this.pushBuffer().add(push);

    return push;
  }

  /**
   * The reply to a push made with {@link send}: emits it once, whatever
   * its status. Errors if the push fails before it is sent, or if the
   * channel is lost before the reply. Unsubscribing stops waiting, and
   * takes the push out of the buffer if it has not been sent.
   */
  reply$(push: OutboundPush): Observable<ReplyPayload> {
    return new Observable<ReplyPayload>((subscriber) =>
      this.awaitReply(push, {
        reply: (reply) => {
          subscriber.next(reply);
          subscriber.complete();
        },
        fail: (error) => subscriber.error(error),
      }),
    );
  }

  /**
   * Tells `waiter` the reply to a push made with {@link send}, or why none
   * will come: the push failed before it was sent, the channel was lost or
   * closed, or, with a `timeoutMs`, no reply came within that time of
   * `startedAt` (default: now), buffer time included. Unsubscribing stops
   * waiting, and takes an unsent push out of the buffer.
   *
   * All deadlines of a channel share one timer, so a waiting push costs a
   * map entry and a heap slot rather than a timer of its own.
   *
   * ```
   * awaitReply(push, w, 5), reply at 2:     --r
   * awaitReply(push, w, 5), no reply:       -----f  (PushTimeoutError)
   * ```
   *
   * @example
   * ```ts
   * const push = channel.send("echo", { n: 1 });
   * channel.awaitReply(push, {
   *   reply: (reply) => console.log(reply.status),
   *   fail: (error) => console.log(error.name),
   * }, 5_000);
   * // ok
   * ```
   */
  awaitReply(
    push: OutboundPush,
    waiter: ReplyWaiter,
    timeoutMs?: number,
    startedAt = asyncScheduler.now(),
  ): Unsubscribable {
    return new ReplyWait(
      this.replyScope(),
      push,
      waiter,
      timeoutMs,
      startedAt,
    ).start();
  }

  /**
   * Emits how the leave ended, then completes: after the last subscriber
   * of `joined$` went, once the leave is answered, timed out, or skipped
   * because no connection was open. When the channel is not joined, emits
   * the outcome of the last leave at once.
   */
  left$(): Observable<LeaveOutcome> {
    return defer(() => {
      if (!this.active && this.leaving === undefined) return of(this.lastLeave);

      this.left ??= new Subject<LeaveOutcome>();

      return this.left.pipe(take(1));
    });
  }

  /** How many pushes wait in the buffer; for tests and diagnostics. */
  get bufferedPushes(): number {
    return this.buffer?.size ?? 0;
  }

  /** How many replies are awaited; for tests and diagnostics. */
  get pendingReplies(): number {
    return this.replies.size;
  }

  private pushBuffer(): PushBuffer {
    this.buffer ??= new PushBuffer(this.topic, this.options.pushBufferSize);

    return this.buffer;
  }

  /** What a reply wait needs of the channel; made on the first wait. */
  private replyScope(): ReplyScope {
    this.scope ??= {
      topic: this.topic,
      replies: this.replies,
      deadlines: new DeadlineQueue(),
      buffer: this.pushBuffer(),
    };

    return this.scope;
  }

  private eventRouter(): MessageRouter {
    this.events ??= new MessageRouter((message) => message.event);

    return this.events;
  }

  private addMember(member: Subscriber<JoinedEvent>): () => void {
    this.members = [...this.members, member];
    if (this.members.length === 1) this.startSession();
    else if (this.latestJoin !== undefined) member.next(this.latestJoin);

    return () => this.removeMember(member);
  }

  private removeMember(member: Subscriber<JoinedEvent>): void {
    const rest = this.members.filter((each) => each !== member);
    if (rest.length === this.members.length) return;

    this.members = rest;
    if (rest.length === 0) this.stopSession();
  }

  private startSession(): void {
    this.leaving?.unsubscribe();
    this.leaving = undefined;
    this.active = true;
    this.holdInbound();
    this.sessionHoldsInbound = true;
    this.joinedBefore = false;
    this.failedJoins = 0;
    this.joinAfter(undefined);
  }

  /** The last member left: cancel what runs, leave, let go of the topic. */
  private stopSession(): void {
    this.step?.unsubscribe();
    this.step = undefined;
    this.releaseJoin();
    this.latestJoin = undefined;
    this.leave();
    if (this.sessionHoldsInbound) {
      this.sessionHoldsInbound = false;
      this.releaseInbound();
    }
  }

  /**
   * The session ends by itself (the first join failed, or the server
   * closed the channel): it is stopped first, so a member that subscribes
   * again when told starts a session of its own.
   */
  private endSession(error?: unknown): void {
    const members = this.members;
    this.members = [];
    this.close();
    this.stopSession();

    for (const member of members) {
      if (error === undefined) member.complete();
      else member.error(error);
    }
  }

  /** Joins once `wait$` emits (at once without it). */
  private joinAfter(wait$: Observable<unknown> | undefined): void {
    const rejoin = this.joinedBefore;
    const join$ = this.join$(rejoin);

    this.step?.unsubscribe();
    this.step = (
      wait$ === undefined
        ? join$
        : wait$.pipe(
            take(1),
            mergeMap(() => join$),
          )
    ).subscribe({
      next: (joined) => this.holdJoin(joined),
      error: (error: unknown) => this.joinFailed(error),
    });
  }

  /**
   * A join succeeded: watch for its loss (phx_error, phx_close, a closed
   * connection), then tell the members. The watch is set first, so a
   * member that leaves on hearing of the join finds it to cancel.
   */
  private holdJoin(joined: JoinedEvent): void {
    this.step = undefined;
    this.joinedBefore = true;
    this.failedJoins = 0;
    this.latestJoin = joined;
    this.holding = true;
    this.socket.watchConnection(this.connectionWatcher);

    for (const member of this.members) member.next(joined);
  }

  private releaseJoin(): void {
    this.holding = false;
    this.socket.unwatchConnection(this.connectionWatcher);
  }

  /** phx_error or phx_close for the join being held. */
  private channelSignal(event: string): void {
    if (event === PhoenixEvent.close) this.endSession();
    else this.joinLost("crash");
  }

  /**
   * The held join is gone: rejoin as soon as the socket is open again
   * after a lost connection, after the rejoin backoff after a crash.
   */
  private joinLost(cause: "connection" | "crash"): void {
    this.releaseJoin();
    this.lose();
    this.failedJoins += 1;

    if (cause === "connection") this.joinAfter(this.socketOpen$());
    else this.joinAfter(this.rejoinDelay$());
  }

  /** The first join's failure ends the session; a rejoin's is retried. */
  private joinFailed(error: unknown): void {
    if (!this.joinedBefore) {
      this.endSession(error);
      return;
    }

    this.failedJoins += 1;
    this.joinAfter(this.rejoinDelay$());
  }

  /**
   * ```
   * rejoinStepsMs [1000, 2000]: failures 1, 2, 3 wait 1000, 2000, 2000
   * ```
   */
  private rejoinDelay$(): Observable<number> {
    return timer(stepDelay(this.options.rejoinStepsMs, this.failedJoins));
  }

  /**
   * One join: wait for an open socket, send `phx_join`, await the reply;
   * all of it within the join timeout. A connection lost while waiting
   * sends the join again on the next connection.
   */
  private join$(rejoin: boolean): Observable<JoinedEvent> {
    const { joinTimeoutMs } = this.options;

    return defer(() => this.socketOpen$()).pipe(
      mergeMap(() => this.sendJoin$(rejoin)),
      retry({
        delay: (error) =>
          error instanceof JoinInterrupted ? of(0) : throwError(() => error),
      }),
      timeout({
        first: joinTimeoutMs,
        with: () =>
          throwError(() => new JoinTimeoutError(this.topic, joinTimeoutMs)),
      }),
    );
  }

  private sendJoin$(rejoin: boolean): Observable<JoinedEvent> {
    return defer(() => {
      const ref = this.socket.makeRef();
      this.joinRef = ref;
      this.setState("joining");

      const reply$ = this.replies.reply$(ref, PhoenixEvent.join);
      const sent$ = defer(() => {
        this.socket.send(this.frame(ref, PhoenixEvent.join, this.params()));
        return EMPTY;
      });

      const lost$ = this.connectionClosed$().pipe(
        mergeMap(() => throwError(() => new JoinInterrupted())),
      );

      return merge(reply$, lost$, sent$).pipe(
        take(1),
        map((reply) => this.joined(ref, reply, rejoin)),
      );
    });
  }

  private joined(
    ref: string,
    reply: ReplyPayload,
    rejoin: boolean,
  ): JoinedEvent {
    if (reply.status !== "ok") {
      this.setState("errored");
      throw new JoinError(this.topic, reply.response);
    }

    // The buffer goes out before "joined" is announced: whoever reacts to
    // the new state (dispose, a user's push) comes after the pushes that
    // were waiting, and finds the buffer empty.
    this.flush();
    this.setState("joined");

    return {
      topic: this.topic,
      joinRef: ref,
      response: reply.response,
      rejoin,
    };
  }

  /**
   * Keeps this topic's messages coming while somebody holds them: the
   * session, and a leave waiting for its reply.
   */
  private holdInbound(): void {
    this.inboundHolders += 1;
    if (this.inboundHolders === 1) {
      this.socket.attachTopic(this.topic, this.inbound);
    }
  }

  private releaseInbound(): void {
    this.inboundHolders -= 1;
    if (this.inboundHolders === 0) {
      this.socket.detachTopic(this.topic, this.inbound);
    }
  }

  /** Emits once when the socket's connection closes. */
  private connectionClosed$(): Observable<LifecycleEvent> {
    return this.socket.lifecycle$.pipe(
      first((event) => event.type === "close"),
    );
  }

  private socketOpen$(): Observable<unknown> {
    return this.socket.state$.pipe(first((state) => state === "open"));
  }

  /**
   * The join is gone: stale frames of it must be dropped, and replies it
   * owed will never come.
   */
  private lose(): void {
    this.joinRef = undefined;
    this.setState("errored");
    this.replies.failAll((event) => new ReplyLostError(this.topic, event));
    this.scope?.deadlines.releaseIfIdle();
  }

  private leave(): void {
    this.active = false;
    this.failBuffered();
    if (this.state !== "joined" || this.socket.currentState !== "open") {
      this.finishLeave("skipped");
      return;
    }

    this.setState("leaving");
    const ref = this.socket.makeRef();
    this.holdInbound();
    const answer$ = merge(
      this.replies
        .reply$(ref, PhoenixEvent.leave)
        .pipe(map((): LeaveOutcome => "ok")),
      defer(() => {
        this.socket.send(this.frame(ref, PhoenixEvent.leave, {}));
        return EMPTY;
      }),
    );

    this.leaving = answer$
      .pipe(
        take(1),
        timeout({
          first: this.options.leaveTimeoutMs,
          with: () => of<LeaveOutcome>("timeout"),
        }),
        finalize(() => this.releaseInbound()),
      )
      .subscribe({
        next: (outcome) => this.finishLeave(outcome),
        error: () => this.finishLeave("timeout"),
      });
  }

  private finishLeave(outcome: LeaveOutcome): void {
    this.leaving = undefined;
    this.lastLeave = outcome;
    this.close();
    this.left?.next(outcome);
  }

  private close(): void {
    this.joinRef = undefined;
    this.failBuffered();
    this.replies.failAll((event) => new ChannelClosedError(this.topic, event));
    this.scope?.deadlines.releaseIfIdle();
    if (this.state !== "closed") this.setState("closed");
    this.endMessageStreams();
  }

  /**
   * A closed channel's message streams complete, so nobody waits on them
   * for ever; a later join starts new ones.
   */
  private endMessageStreams(): void {
    const messages = this.messages;
    const events = this.events;
    this.messages = undefined;
    this.events = undefined;

    messages?.complete();
    events?.completeAll();
  }

  private failBuffered(): void {
    this.buffer?.drain((push) => {
      const error = new ChannelClosedError(this.topic, push.event);
      if (!push.fail(error)) this.socket.reportError(error);
    });
  }

  private receive(message: PhoenixMessage): void {
    if (message.join_ref !== null && message.join_ref !== this.joinRef) return;

    if (message.event === PhoenixEvent.reply) this.replies.settle(message);

    // Subject.next allocates on every call: skipped when nobody listens.
    if (this.messages?.observed) this.messages.next(message);
    this.events?.route(message);

    // After the message went out: phx_close ends the streams it came on.
    const { event } = message;
    const isSignal =
      event === PhoenixEvent.error || event === PhoenixEvent.close;
    if (isSignal && this.holding) {
      this.channelSignal(event);
    }
  }

  private setState(state: ChannelState): void {
    this.state = state;
    this.stateChanges?.next(state);
  }

  private canSend(): boolean {
    return this.state === "joined" && this.socket.currentState === "open";
  }

  /** Sends the buffered pushes, in order, right after a join's "ok". */
  private flush(): void {
    const buffer = this.buffer;
    if (buffer === undefined) return;

    while (buffer.size > 0 && this.socket.currentState === "open") {
      const push = buffer.take();
      if (push !== undefined) this.transmit(push);
    }
  }

  private transmit(push: OutboundPush): void {
    const ref = this.socket.makeRef();
    push.markSent(ref);
    this.socket.send(this.frame(ref, push.event, push.payload));
  }

  private frame(ref: string, event: string, payload: unknown): PhoenixMessage {
    return {
      join_ref: this.joinRef ?? null,
      ref,
      topic: this.topic,
      event,
      payload,
    };
  }

  private params(): object {
    return this.options.params();
  }
}
