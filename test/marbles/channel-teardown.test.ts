import { describe, expect, it } from "vitest";
import { PhoenixChannel } from "../../src/streams/channel.js";
import { PhoenixSocket } from "../../src/streams/socket.js";
import { type FakeHubOptions, fakeHub } from "../support/fake-hub.js";
import type { SubscriptionLog } from "../support/fake-websocket.js";
import { probeSocket } from "../support/tracked-socket.js";
import { at, createTestScheduler } from "../support/virtual-time.js";

const url = "ws://hub.test/debug_socket";
const topic = "debug_plugin:demo";

function socketOn(hubOptions: FakeHubOptions = {}) {
  const hub = fakeHub(hubOptions);
  const socket = new PhoenixSocket({
    url,
    WebSocket: hub.WebSocket,
    heartbeatIntervalMs: 1_000_000,
    reconnectStepsMs: [10],
    jitter: false,
  });

  return { hub, socket };
}

/** The frame at which the last of `logs` ended (Infinity: never). */
function lastUnsubscribed(logs: SubscriptionLog[]): number {
  expect(logs.length).toBeGreaterThan(0);

  return Math.max(...logs.map((log) => log.unsubscribedFrame));
}

describe("PhoenixChannel teardown", () => {
  it("should let go of every socket stream once the leave is answered", () => {
    const scheduler = createTestScheduler();
    let channel: PhoenixChannel | undefined;

    scheduler.run(({ hot, expectSubscriptions }) => {
      const { hub, socket } = socketOn({ leaveReplyAfterMs: 3 });
      const probes = probeSocket(socket, () => hot("-"));
      channel = new PhoenixChannel(socket, topic);
      socket.connect();

      const first = channel.joined$.subscribe();
      const second = channel.joined$.subscribe();
      at(10, () => first.unsubscribe());
      at(20, () => second.unsubscribe());
      at(40, () => void socket.disconnect());

      // One route for both subscribers, from the first until the leave's
      // reply at 23.
      expectSubscriptions(probes.topic).toBe("^ 22ms !");
      at(30, () => {
        expect(hub.framesOf("phx_join")).toHaveLength(1);
        expect(hub.framesOf("phx_leave").map(({ at }) => at)).toEqual([20]);
        expect(lastUnsubscribed(probes.lifecycle)).toBeLessThanOrEqual(20);
        expect(lastUnsubscribed(probes.state)).toBeLessThanOrEqual(20);
        expect(socket.routedTopics).toBe(0);
      });
    });

    expect(scheduler.actions).toHaveLength(0);
    expect(channel?.currentState).toBe("closed");
  });

  it("should let go of every socket stream when the server closes the channel", () => {
    const scheduler = createTestScheduler();

    scheduler.run(({ hot, expectSubscriptions }) => {
      const { hub, socket } = socketOn();
      const probes = probeSocket(socket, () => hot("-"));
      const channel = new PhoenixChannel(socket, topic);
      socket.connect();
      const joined = channel.joined$.subscribe();
      at(10, () => {
        const joinRef = hub.framesOf("phx_join")[0]?.frame[0] ?? null;
        hub.latest().push([joinRef, null, topic, "phx_close", {}]);
      });
      at(40, () => void socket.disconnect());

      expectSubscriptions(probes.topic).toBe("^ 9ms !");
      at(30, () => {
        expect(joined.closed).toBe(true);
        expect(hub.framesOf("phx_leave")).toEqual([]);
        expect(lastUnsubscribed(probes.lifecycle)).toBeLessThanOrEqual(10);
        expect(lastUnsubscribed(probes.state)).toBeLessThanOrEqual(10);
      });
    });

    expect(scheduler.actions).toHaveLength(0);
  });

  it("should let go at once, sending nothing, when left while the socket is down", () => {
    const scheduler = createTestScheduler();

    scheduler.run(({ hot, expectSubscriptions }) => {
      const { hub, socket } = socketOn({ openAfterMs: 50 });
      const probes = probeSocket(socket, () => hot("-"));
      const channel = new PhoenixChannel(socket, topic);
      socket.connect();
      const joined = channel.joined$.subscribe({ error: () => {} });
      at(10, () => joined.unsubscribe());
      at(60, () => void socket.disconnect());

      expectSubscriptions(probes.topic).toBe("^ 9ms !");
      expectSubscriptions(probes.state).toBe("^ 9ms !");
      at(70, () => {
        expect(hub.frames).toEqual([]);
        // The join never got as far as sending, so nothing watched closes.
        expect(probes.lifecycle).toEqual([]);
      });
    });

    expect(scheduler.actions).toHaveLength(0);
  });
});
