import { firstValueFrom, take, timeout, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import type { Channel } from "../../../src/compat/channel.js";
import {
  CallbackError,
  ChannelClosedError,
  PushTimeoutError,
} from "../../../src/errors.js";
import { callCounter, useHub, WAIT_MS, withinWait } from "./fixture.js";

const TOPIC = "debug_plugin:channel";
const REGISTER_ERROR =
  "register_plugin payload must be an object with a string name";

/** Resolves with the response of the push's "ok" reply, bounded. */
function pushOk(
  channel: Channel,
  event: string,
  payload: unknown,
): Promise<unknown> {
  return withinWait(
    new Promise((resolve, reject) => {
      channel
        .push(event, payload)
        .receive("ok", resolve)
        .receive("error", reject)
        .receive("timeout", reject);
    }),
  );
}

describe("the phoenix.js-compatible Channel", () => {
  const harness = useHub();

  it("calls receive('error') with the hub's response when the hub refuses a push", async () => {
    const transporter = harness.transporter();
    const { channel } = await transporter.connect(TOPIC);
    const ok = callCounter<[unknown]>();
    const refused = callCounter<[unknown]>();

    channel
      .push("register_plugin", { tools: [] })
      .receive("ok", ok.callback)
      .receive("error", refused.callback);
    await refused.reached(1);

    expect(refused.calls).toEqual([[{ reason: REGISTER_ERROR }]]);
    expect(ok.calls).toEqual([]);
    expect(harness.hub.plugins.has(TOPIC)).toBe(false);
  });

  it("receive('timeout') gets PushTimeoutError for a late reply, never 'ok'", async () => {
    const transporter = harness.transporter({ pushTimeoutMs: 50 });
    const { channel } = await transporter.connect(TOPIC);
    const ok = callCounter<[unknown]>();
    const timedOut = callCounter<[unknown]>();
    harness.hub.setReplyDelay(200);

    channel
      .push("slow", { n: 1 })
      .receive("ok", ok.callback)
      .receive("timeout", timedOut.callback);
    await timedOut.reached(1);
    // Replies come back in order: once this one is in, so is the late one.
    await withinWait(
      new Promise((resolve) =>
        channel.push("after", {}, 2_000).receive("ok", resolve),
      ),
    );

    const [error] = timedOut.calls[0] ?? [];
    expect(error).toBeInstanceOf(PushTimeoutError);
    expect((error as Error).message).toBe(
      `No reply to slow on ${TOPIC} within 50 ms`,
    );
    expect(ok.calls).toEqual([]);
  });

  it("calls onError when the hub crashes the channel, then rejoins by itself", async () => {
    const transporter = harness.transporter();
    const { channel } = await transporter.connect(TOPIC);
    const errored = callCounter<[unknown]>();
    channel.onError(errored.callback);

    harness.hub.crashChannel(TOPIC);
    await errored.reached(1);
    // Made while errored: it waits in the buffer for the rejoin's "ok".
    const answer = pushOk(channel, "ping", { after: "crash" });

    expect(await answer).toEqual({ after: "crash" });
    const joins = harness.hub.frames.filter(
      (frame) => frame.direction === "in" && frame.event === "phx_join",
    );
    expect(joins.map((frame) => frame.connectionId)).toEqual([
      "conn-1",
      "conn-1",
    ]);
    expect(channel.state).toBe("joined");
    expect(harness.hub.connections[0]?.topics).toEqual([TOPIC]);
    expect(errored.calls).toHaveLength(1);
  });

  it("onClose gets 'leave' and leave().receive('ok') fires on the reply", async () => {
    const transporter = harness.transporter();
    const { channel } = await transporter.connect(TOPIC);
    const closed = callCounter<[unknown]>();
    const left = callCounter<[unknown]>();
    channel.onClose(closed.callback);

    channel.leave().receive("ok", left.callback);
    await left.reached(1);
    await closed.reached(1);

    expect(closed.calls).toEqual([["leave", undefined, undefined]]);
    expect(left.calls).toEqual([["ok"]]);
    expect(channel.state).toBe("closed");
    expect(
      harness.hub.frames.filter((frame) => frame.event === "phx_leave"),
    ).toMatchObject([{ direction: "in", topic: TOPIC }]);
  });

  it("reports async callbacks that reject as CallbackError, and keeps delivering", async () => {
    const transporter = harness.transporter();
    const { channel } = await transporter.connect(TOPIC);
    const reported = firstValueFrom(
      transporter.errors$.pipe(take(3), toArray(), timeout(WAIT_MS)),
    );
    const seen = callCounter<[unknown]>();
    channel.on("news", async (payload) => {
      seen.callback(payload);
      throw new Error(`cannot handle ${payload.n}`);
    });
    channel
      .push("echo", { n: 0 })
      .receive("ok", async () => Promise.reject(new Error("ok broke")));

    harness.hub.push(TOPIC, "news", { n: 1 });
    harness.hub.push(TOPIC, "news", { n: 2 });
    const errors = await reported;

    expect(seen.calls).toEqual([[{ n: 1 }], [{ n: 2 }]]);
    expect(errors.every((error) => error instanceof CallbackError)).toBe(true);
    expect(errors.map((error) => error.message).sort()).toEqual([
      'The on("news") callback threw: cannot handle 1',
      'The on("news") callback threw: cannot handle 2',
      'The receive("echo") callback threw: ok broke',
    ]);
  });

  it("throws ChannelClosedError on a push after leave", async () => {
    const transporter = harness.transporter();
    const { channel } = await transporter.connect(TOPIC);
    const left = callCounter<[unknown]>();
    channel.leave().receive("ok", left.callback);
    await left.reached(1);

    let thrown: unknown;
    try {
      channel.push("late", {});
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ChannelClosedError);
    expect(thrown).toMatchObject({
      code: "ERR_CHANNEL_CLOSED",
      message: `Cannot push late on ${TOPIC}: the channel is closed`,
    });
  });

  it("buffers pushes while dropped, delivers in order after rejoin", async () => {
    const transporter = harness.transporter({ reconnectStepsMs: [50] });
    const { channel } = await transporter.connect(TOPIC);
    const errored = callCounter<[unknown]>();
    channel.onError(errored.callback);

    harness.hub.dropConnections();
    await errored.reached(1);
    const replies = ["first", "second", "third"].map((event, index) =>
      pushOk(channel, event, { index }),
    );

    expect(await Promise.all(replies)).toEqual([
      { index: 0 },
      { index: 1 },
      { index: 2 },
    ]);
    const rejoin = harness.hub.frames.find(
      (frame) => frame.connectionId === "conn-2" && frame.event === "phx_join",
    );
    const delivered = harness.hub.frames.filter(
      (frame) => frame.direction === "in" && frame.topic === TOPIC,
    );
    expect(delivered.map((frame) => [frame.connectionId, frame.event])).toEqual(
      [
        ["conn-1", "phx_join"],
        ["conn-2", "phx_join"],
        ["conn-2", "first"],
        ["conn-2", "second"],
        ["conn-2", "third"],
      ],
    );
    expect(delivered.slice(2).map((frame) => frame.joinRef)).toEqual([
      rejoin?.ref,
      rejoin?.ref,
      rejoin?.ref,
    ]);
  });
});
