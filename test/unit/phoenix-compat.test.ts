/**
 * The channel `connect` returns must fit where SDK code expects the
 * phoenix.js `Channel` members it uses. The assignments below are checked
 * by `tsc` (the CI typecheck covers test files): if a member's signature
 * drifts from phoenix.js, the build fails. The `@ts-expect-error` lines
 * prove the check has teeth: each would compile only if the type it tests
 * had stopped requiring the member.
 */
import type {
  Channel as PhoenixJsChannel,
  Push as PhoenixJsPush,
  PushStatus,
} from "phoenix";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { Channel } from "../../src/compat/channel.js";
import type { Push } from "../../src/compat/push.js";
import { createTransporter } from "../../src/transporter.js";
import { fakeHub } from "../support/fake-hub.js";
import { recordingLogger } from "../support/runtime.js";
import { at, createTestScheduler } from "../support/virtual-time.js";

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

  it("types each member the SDK uses as phoenix.js does", () => {
    type Members = "topic" | "on" | "off" | "onClose" | "onError";
    const fits = (channel: Channel): Pick<PhoenixJsChannel, Members> => channel;

    expect(typeof fits).toBe("function");
    expectTypeOf<Push>().toExtend<PhoenixJsPush>();
    expectTypeOf<Channel["push"]>().returns.toExtend<PhoenixJsPush>();
    expectTypeOf<Channel["on"]>().returns.toEqualTypeOf<number>();
    expectTypeOf<Channel["leave"]>().returns.toHaveProperty("receive");
  });

  it("has teeth: a channel without off, or a push without receive, is refused", () => {
    type WithoutOff = Omit<Channel, "off">;
    type WithoutReceive = Omit<Push, "receive">;

    // @ts-expect-error SdkChannel requires off
    const noOff = (channel: WithoutOff): SdkChannel => channel;
    const noReceive = (push: WithoutReceive): Pick<PhoenixJsPush, "receive"> =>
      // @ts-expect-error a push must have receive
      push;

    expect([typeof noOff, typeof noReceive]).toEqual(["function", "function"]);
  });

  it("runs the SDK-style code on a real channel: ok, and off really unbinds", () => {
    const scheduler = createTestScheduler();
    const hub = fakeHub();
    const events: string[] = [];
    const transporter = createTransporter({
      env: { HUB_WS_URL: "ws://hub.test", HUB_DEBUG_API_KEY: "k" },
      WebSocket: hub.WebSocket,
      heartbeatIntervalMs: 1_000_000,
      jitter: false,
      logger: recordingLogger(),
      exit: () => {},
    });

    scheduler.run(() => {
      transporter
        .connect$("debug_plugin:sdk")
        .subscribe(({ channel, dispose }) => {
          // A binding that stays, so that the message is known to arrive.
          channel.on("hub_call_response", (payload) => {
            events.push(`still bound: ${payload.request_id}`);
          });
          registerLikeTheSdk(channel, events);
          at(5, () => {
            const joinRef = hub.framesOf("phx_join")[0]?.frame[0] ?? null;
            hub.latest().push([
              joinRef,
              null,
              "debug_plugin:sdk",
              "hub_call_response",
              {
                request_id: "unbound",
              },
            ]);
          });
          at(10, () => void dispose());
        });
    });

    expect(events).toEqual(["ok", "still bound: unbound"]);
    expect(hub.framesOf("register_plugin")).toHaveLength(1);
  });
});
