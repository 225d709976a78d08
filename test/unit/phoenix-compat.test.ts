/**
 * The channel `connect` returns must fit where SDK code expects the
 * phoenix.js `Channel` members it uses. The assignments below are checked
 * by `tsc` (the CI typecheck covers test files): if a member's signature
 * drifts from phoenix.js, the build fails.
 */
import type {
  Channel as PhoenixJsChannel,
  Push as PhoenixJsPush,
  PushStatus,
} from "phoenix";
import { describe, expect, it } from "vitest";
import type { Channel } from "../../src/compat/channel.js";
import type { Push } from "../../src/compat/push.js";

/** The members of phoenix.js's Channel that the Atomemo SDK calls. */
interface SdkChannel {
  topic: PhoenixJsChannel["topic"];
  push(
    event: string,
    payload: object,
    timeout?: number,
  ): Pick<PhoenixJsPush, "receive">;
  on: PhoenixJsChannel["on"];
  off: PhoenixJsChannel["off"];
  onError: PhoenixJsChannel["onError"];
  /** SDK code only chains `receive` on a leave, never `resend`. */
  leave(timeout?: number): {
    // biome-ignore lint/suspicious/noExplicitAny: phoenix.js's own signature
    receive(status: PushStatus, callback: (response?: any) => any): unknown;
  };
}

/** SDK-style code, written against phoenix.js types only. */
function registerLikeTheSdk(channel: SdkChannel, events: string[]): void {
  const ref = channel.on("hub_call_response", (payload) => {
    events.push(payload.request_id);
  });
  channel
    .push("register_plugin", { name: channel.topic })
    .receive("ok", () => events.push("ok"))
    .receive("error", () => events.push("error"))
    .receive("timeout", () => events.push("timeout"));
  channel.off("hub_call_response", ref);
}

describe("phoenix.js compatibility", () => {
  it("accepts our Channel where SDK code expects phoenix.js's", () => {
    const accepts = (channel: Channel): SdkChannel => channel;
    const acceptsPush = (push: Push): Pick<PhoenixJsPush, "receive"> => push;

    expect(typeof accepts).toBe("function");
    expect(typeof acceptsPush).toBe("function");
    expect(typeof registerLikeTheSdk).toBe("function");
  });
});
