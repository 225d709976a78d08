/**
 * Puts a probe on the streams a channel takes from its socket, so that a
 * marble test can assert with `expectSubscriptions` when the channel
 * subscribes to them and when it lets go.
 */
import { merge, type Observable, type Subscription } from "rxjs";
import type { MessageSink } from "../../src/streams/message-router.js";
import type {
  ConnectionWatcher,
  PhoenixSocket,
} from "../../src/streams/socket.js";
import type { SubscriptionLog } from "./fake-websocket.js";

/** A hot observable of `TestScheduler.run`, which logs its subscriptions. */
type Probe = Observable<never> & { subscriptions: SubscriptionLog[] };

/** The subscriptions to each stream of the socket, as they happen. */
export interface SocketProbes {
  /** To `topic$(topic)` and `attachTopic(topic, …)`, of every topic. */
  topic: SubscriptionLog[];
  lifecycle: SubscriptionLog[];
  state: SubscriptionLog[];
}

/**
 * Makes every subscription to `topic$`, `lifecycle$` and `state$` of
 * `socket`, every `attachTopic` until its `detachTopic` (in the topic
 * log) and every `watchConnection` until its `unwatchConnection` (in the
 * lifecycle log), also subscribe to a probe that emits nothing, so that
 * its life shows in the probe's log. Call it inside `TestScheduler.run`, with its
 * `hot`, before the channel is created: the channel takes its topic stream
 * when it is built.
 *
 * @example
 * ```ts
 * scheduler.run(({ hot, expectSubscriptions }) => {
 *   const probes = probeSocket(socket, () => hot("-"));
 *   const channel = new PhoenixChannel(socket, "room:1");
 *   expectSubscriptions(probes.topic).toBe("^ 9ms !");
 * });
 * ```
 */
export function probeSocket(
  socket: PhoenixSocket,
  makeProbe: () => Probe,
): SocketProbes {
  const topic = makeProbe();
  const lifecycle = makeProbe();
  const state = makeProbe();
  const topic$ = socket.topic$.bind(socket);

  socket.topic$ = (name) => merge(topic$(name), topic);
  probeAttachments(socket, topic);
  probeConnectionWatches(socket, lifecycle);
  Object.defineProperty(socket, "lifecycle$", {
    value: merge(socket.lifecycle$, lifecycle),
  });
  Object.defineProperty(socket, "state$", {
    value: merge(socket.state$, state),
  });

  return {
    topic: topic.subscriptions,
    lifecycle: lifecycle.subscriptions,
    state: state.subscriptions,
  };
}

/** Subscribes to `probe` from each `attachTopic` to its `detachTopic`. */
function probeAttachments(socket: PhoenixSocket, probe: Probe): void {
  const attach = socket.attachTopic.bind(socket);
  const detach = socket.detachTopic.bind(socket);
  const held = new Map<MessageSink, Subscription>();

  socket.attachTopic = (name, sink) => {
    attach(name, sink);
    held.set(sink, probe.subscribe());
  };
  socket.detachTopic = (name, sink) => {
    detach(name, sink);
    held.get(sink)?.unsubscribe();
    held.delete(sink);
  };
}

/** Subscribes to `probe` from each `watchConnection` to its unwatch. */
function probeConnectionWatches(socket: PhoenixSocket, probe: Probe): void {
  const watch = socket.watchConnection.bind(socket);
  const unwatch = socket.unwatchConnection.bind(socket);
  const held = new Map<ConnectionWatcher, Subscription>();

  socket.watchConnection = (watcher) => {
    watch(watcher);
    if (!held.has(watcher)) held.set(watcher, probe.subscribe());
  };
  socket.unwatchConnection = (watcher) => {
    unwatch(watcher);
    held.get(watcher)?.unsubscribe();
    held.delete(watcher);
  };
}
