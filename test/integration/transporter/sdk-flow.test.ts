import { describe, expect, it } from "vitest";
import type { Channel } from "../../../src/compat/channel.js";
import type { HubCallContext } from "../../../src/hub/index.js";
import { startChild } from "../../support/child/run-child.js";
import { API_KEY, callCounter, useHub, withinWait } from "./fixture.js";

const TOPIC = "debug_plugin:demo";
const DEFINITION = { name: "demo", tools: [{ name: "add" }] };

/** register_plugin the way the SDK does it, as a promise. */
function register(channel: Channel): Promise<unknown> {
  return withinWait(
    new Promise((resolve, reject) => {
      channel
        .push("register_plugin", DEFINITION)
        .receive("ok", resolve)
        .receive("error", reject)
        .receive("timeout", reject);
    }),
  );
}

describe("the SDK's use of createTransporter", () => {
  const hubCalls: Array<[string, unknown, HubCallContext]> = [];
  const harness = useHub({
    hubCallHandler: (name, data, context) => {
      hubCalls.push([name, data, context]);
      return { thing: name, for: data };
    },
  });

  it("registers, serves invoke_tool, calls the hub, disposes: exit 0", async () => {
    const transporter = harness.transporter();
    const { channel, dispose } = await transporter.connect(TOPIC);

    await register(channel);
    expect(harness.hub.plugins.get(TOPIC)).toEqual(DEFINITION);

    channel.on("invoke_tool", (payload) => {
      const { a, b } = payload.data as { a: number; b: number };
      channel.push("invoke_tool_response", {
        request_id: payload.request_id,
        data: { sum: a + b },
      });
    });
    const result = await harness.hub.request(
      TOPIC,
      "invoke_tool",
      { a: 2, b: 3 },
      { timeoutMs: 2_000 },
    );
    expect(result).toEqual({ ok: true, data: { sum: 5 } });

    const responses = callCounter<[{ request_id: string }, unknown, unknown]>();
    const ref = channel.on("hub_call_response", responses.callback);
    channel.push("hub_call:get_thing", {
      request_id: "call-1",
      data: { id: 7 },
    });
    await responses.reached(1);
    channel.off("hub_call_response", ref);

    expect(responses.calls.map(([payload]) => payload)).toEqual([
      { request_id: "call-1", data: { thing: "get_thing", for: { id: 7 } } },
    ]);
    expect(hubCalls).toEqual([["get_thing", { id: 7 }, { topic: TOPIC }]]);

    channel.push("hub_call:get_thing", { request_id: "call-2", data: {} });
    await harness.hub.waitForFrame(
      (frame) =>
        frame.direction === "out" &&
        frame.event === "hub_call_response" &&
        (frame.payload as { request_id: string }).request_id === "call-2",
    );
    // The hub answers in order: once this echo is back, the call-2
    // response has been through the client too.
    await withinWait(
      new Promise((resolve) => channel.push("ping", {}).receive("ok", resolve)),
    );
    expect(responses.calls).toHaveLength(1);

    await dispose();
    expect(transporter.exits.codes).toEqual([0]);
  });

  it("runs the same plugin as its own process and exits 0 on dispose", async () => {
    const child = startChild("plugin.ts", {
      HUB_WS_URL: harness.hub.url,
      HUB_DEBUG_API_KEY: API_KEY,
      NODE_ENV: "development",
      CHILD_TOPIC: TOPIC,
      CHILD_REGISTER: "demo",
    });
    await child.waitForStdout(/^registered$/);

    const result = await harness.hub.request(
      TOPIC,
      "invoke_tool",
      { tool_name: "add" },
      { timeoutMs: 2_000 },
    );
    child.send("dispose");
    const { code } = await child.exited;

    expect(harness.hub.frames.some((f) => f.event === "phx_leave")).toBe(true);
    expect(result).toEqual({
      ok: true,
      data: { echoed: { tool_name: "add" } },
    });
    expect(code).toBe(0);
  });
});
