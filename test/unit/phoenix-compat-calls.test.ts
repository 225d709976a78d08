/**
 * SDK code written against phoenix.js, calling our Channel directly: each
 * call below is valid on phoenix.js's `Channel`, so it must compile here.
 */
import type { Channel as PhoenixJsChannel } from "phoenix";
import { describe, expect, it } from "vitest";
import type { Channel } from "../../src/compat/channel.js";

/** The calls, written once for phoenix.js's Channel and once for ours. */
function sdkCalls(channel: Channel, seen: unknown[]): void {
  channel.onClose((payload, ref, joinRef) => {
    seen.push([payload, ref, joinRef]);
  });
  channel.leave(1_000).receive("ok", () => seen.push("left"));
}

function sdkCallsOnPhoenixJs(channel: PhoenixJsChannel, seen: unknown[]) {
  channel.onClose((payload, ref, joinRef) => {
    seen.push([payload, ref, joinRef]);
  });
  channel.leave(1_000).receive("ok", () => seen.push("left"));
}

describe("phoenix.js calls on our Channel", () => {
  it("compiles onClose with phoenix.js's three-argument callback, and leave(timeout)", () => {
    const fits = (
      channel: Channel,
    ): Pick<PhoenixJsChannel, "onClose" | "onError" | "on" | "off"> => channel;

    expect([typeof sdkCalls, typeof sdkCallsOnPhoenixJs, typeof fits]).toEqual([
      "function",
      "function",
      "function",
    ]);
  });
});
