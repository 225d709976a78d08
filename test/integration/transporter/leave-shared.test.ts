/**
 * `leave()` on a topic connected twice: both connections share one join,
 * yet each compat Channel leaves on its own.
 */
import { describe, expect, it } from "vitest";
import type { Channel } from "../../../src/compat/channel.js";
import { ChannelClosedError } from "../../../src/errors.js";
import { callCounter, useHub, withinWait } from "./fixture.js";

const TOPIC = "debug_plugin:leave-shared";

/** Resolves with the response of the push's "ok" reply, bounded. */
function pushOk(channel: Channel, event: string, payload: unknown) {
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

/** What `channel.push` throws, or undefined when it does not. */
function pushError(channel: Channel, event: string): unknown {
  try {
    channel.push(event, {});
  } catch (error) {
    return error;
  }

  return undefined;
}

describe("leave() on a topic connected twice", () => {
  const harness = useHub();
  const leaves = () =>
    harness.hub.frames.filter((frame) => frame.event === "phx_leave");

  it("closes the first Channel at once without phx_leave, the other keeps the join", async () => {
    const transporter = harness.transporter();
    const first = await transporter.connect(TOPIC);
    const second = await transporter.connect(TOPIC);
    const left = callCounter<[unknown]>();
    const closed = callCounter<[unknown]>();
    const firstNews = callCounter<[unknown]>();
    const secondNews = callCounter<[unknown]>();
    first.channel.on("news", firstNews.callback);
    second.channel.on("news", secondNews.callback);
    first.channel.onClose(closed.callback);

    first.channel.leave().receive("ok", left.callback);
    await left.reached(1);
    harness.hub.push(TOPIC, "news", { n: 1 });
    await secondNews.reached(1);
    // Replies come in order: once this one is in, no leave went out before.
    expect(await pushOk(second.channel, "ping", { n: 2 })).toEqual({ n: 2 });

    expect(left.calls).toEqual([["ok"]]);
    expect(closed.calls).toEqual([["leave", undefined, undefined]]);
    expect(first.channel.state).toBe("closed");
    expect(second.channel.state).toBe("joined");
    expect(firstNews.calls).toEqual([]);
    expect(leaves()).toEqual([]);
    const thrown = pushError(first.channel, "late");
    expect(thrown).toBeInstanceOf(ChannelClosedError);
    expect(thrown).toMatchObject({
      code: "ERR_CHANNEL_CLOSED",
      message: `Cannot push late on ${TOPIC}: the channel is closed`,
    });
  });

  it("sends exactly one phx_leave once both have left, answered to the last", async () => {
    const transporter = harness.transporter();
    const first = await transporter.connect(TOPIC);
    const second = await transporter.connect(TOPIC);
    const firstLeft = callCounter<[unknown]>();
    const secondLeft = callCounter<[unknown]>();
    const secondClosed = callCounter<[unknown]>();
    second.channel.onClose(secondClosed.callback);

    first.channel.leave().receive("ok", firstLeft.callback);
    await firstLeft.reached(1);
    second.channel.leave().receive("ok", secondLeft.callback);
    const stateWhileLeaving = second.channel.state;
    await secondLeft.reached(1);

    expect(stateWhileLeaving).toBe("leaving");
    expect(secondLeft.calls).toEqual([["ok"]]);
    expect(secondClosed.calls).toHaveLength(1);
    expect(first.channel.state).toBe("closed");
    expect(second.channel.state).toBe("closed");
    expect(leaves()).toMatchObject([{ direction: "in", topic: TOPIC }]);
    const leave = leaves()[0];
    const reply = harness.hub.frames.find(
      (frame) =>
        frame.direction === "out" &&
        frame.event === "phx_reply" &&
        frame.ref === leave?.ref,
    );
    expect(reply).toMatchObject({ payload: { status: "ok" } });
    expect(pushError(second.channel, "late")).toBeInstanceOf(
      ChannelClosedError,
    );
  });

  it("answers the last holder's leave with 'timeout' when the hub is slow", async () => {
    const transporter = harness.transporter();
    const first = await transporter.connect(TOPIC);
    const second = await transporter.connect(TOPIC);
    const firstLeft = callCounter<[unknown]>();
    const timedOut = callCounter<[unknown]>();
    const ok = callCounter<[unknown]>();

    second.channel.leave().receive("ok", firstLeft.callback);
    await firstLeft.reached(1);
    harness.hub.setReplyDelay(1_000);
    first.channel
      .leave(50)
      .receive("ok", ok.callback)
      .receive("timeout", timedOut.callback);
    await timedOut.reached(1);

    expect(timedOut.calls).toEqual([["timeout"]]);
    expect(ok.calls).toEqual([]);
    expect(first.channel.state).toBe("closed");
    expect(leaves()).toHaveLength(1);
  });

  it("changes nothing when the same Channel leaves twice", async () => {
    const transporter = harness.transporter();
    const first = await transporter.connect(TOPIC);
    const second = await transporter.connect(TOPIC);
    const left = callCounter<[unknown]>();

    first.channel.leave();
    first.channel.leave().receive("ok", left.callback);
    await left.reached(1);

    expect(second.channel.state).toBe("joined");
    expect(await pushOk(second.channel, "ping", { n: 1 })).toEqual({ n: 1 });
    expect(leaves()).toEqual([]);
  });
});
