import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHubWithHttp, type TestHub } from "../../src/hub/index.js";
import { connectRaw, type RawClient } from "./support/raw-client.js";

const TOPIC = "debug_plugin:demo";

describe("HTTP API", () => {
  let hub: TestHub;
  let http: string;
  let plugin: RawClient;
  let joinRef: string;

  beforeEach(async () => {
    hub = await startHubWithHttp({ requestTimeoutMs: 2_000 });
    http = hub.url.replace("ws:", "http:");
    plugin = await connectRaw(hub);
    joinRef = await plugin.join(TOPIC);
  });

  afterEach(async () => {
    await plugin.close();
    await hub.close();
  });

  function invoke(body: unknown): Promise<Response> {
    return fetch(`${http}/invoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  /** Answers the next invoke_tool the plugin gets with `event`. */
  async function answerNextInvoke(event: string, body: object) {
    const request = await plugin.nextFrame((f) => f[3] === "invoke_tool");
    const { request_id } = request[4] as { request_id: string };
    plugin.send([joinRef, "9", TOPIC, event, { request_id, ...body }]);
    return request;
  }

  it("GET /plugins lists joined channels with their registered definition", async () => {
    plugin.send([joinRef, "2", TOPIC, "register_plugin", { name: "demo" }]);
    await plugin.replyTo("2");

    const response = await fetch(`${http}/plugins`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      plugins: [
        {
          topic: TOPIC,
          connectionId: "conn-1",
          mode: "debug",
          definition: { name: "demo" },
        },
      ],
    });
  });

  it("POST /invoke sends invoke_tool and answers 200 with the data", async () => {
    const responsePromise = invoke({
      plugin: "demo",
      tool: "echo",
      parameters: { text: "hi" },
      credentials: { token: "t" },
    });
    const request = await answerNextInvoke("invoke_tool_response", {
      data: { text: "hi" },
    });
    const response = await responsePromise;

    expect((request[4] as { data: unknown }).data).toEqual({
      tool_name: "echo",
      parameters: { text: "hi" },
      credentials: { token: "t" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { text: "hi" } });
  });

  it("POST /invoke accepts the full topic and a registered name", async () => {
    plugin.send([joinRef, "2", TOPIC, "register_plugin", { name: "Demo X" }]);
    await plugin.replyTo("2");

    for (const name of [TOPIC, "Demo X"]) {
      const responsePromise = invoke({ plugin: name, tool: "t" });
      await answerNextInvoke("invoke_tool_response", { data: name });
      plugin.received.length = 0;
      expect(await (await responsePromise).json()).toEqual({ data: name });
    }
  });

  it("POST /invoke answers 502 with the plugin's error", async () => {
    const responsePromise = invoke({ plugin: "demo", tool: "t" });
    const error = { code: "tool:failed", message: "bad input" };
    await answerNextInvoke("invoke_tool_error", { error });
    const response = await responsePromise;

    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error });
  });

  it("POST /invoke answers 504 when the plugin does not answer in time", async () => {
    const response = await invoke({
      plugin: "demo",
      tool: "t",
      timeout_ms: 30,
    });

    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({
      error: expect.stringMatching(
        /^Timeout after 30 ms waiting for invoke_tool_response/,
      ),
    });
  });

  it("POST /invoke answers 404 for an unknown plugin", async () => {
    const response = await invoke({ plugin: "ghost", tool: "t" });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: 'no joined plugin matches "ghost"',
    });
  });

  it("POST /invoke answers 413 to a body over 1 MiB and keeps serving", async () => {
    const padding = "x".repeat(1024 * 1024);
    const response = await invoke({
      plugin: "demo",
      tool: "t",
      parameters: { padding },
      timeout_ms: 30,
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "body over 1048576 bytes" });
    await plugin.roundTrip();
    expect(plugin.frames((f) => f[3] === "invoke_tool")).toEqual([]);
    const listing = await fetch(`${http}/plugins`);
    expect(listing.status).toBe(200);
    expect(await listing.json()).toMatchObject({ plugins: [{ topic: TOPIC }] });
  });

  it("POST /invoke answers 502 when the plugin leaves before answering", async () => {
    const responsePromise = invoke({ plugin: "demo", tool: "t" });
    await plugin.nextFrame((f) => f[3] === "invoke_tool");
    plugin.send([joinRef, "9", TOPIC, "phx_leave", {}]);
    const response = await responsePromise;

    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      error: expect.stringMatching(
        /^Channel debug_plugin:demo closed \(left\) before invoke_tool /,
      ),
    });
  });

  it("POST /invoke finds a release plugin by the name in its topic", async () => {
    const releaseTopic = "release_plugin:weather__production__1.2.0";
    const release = await connectRaw(hub, { mode: "release" });
    try {
      const releaseJoinRef = await release.join(releaseTopic);
      const responsePromise = invoke({ plugin: "weather", tool: "t" });
      const request = await release.nextFrame((f) => f[3] === "invoke_tool");
      const { request_id } = request[4] as { request_id: string };
      release.send([
        releaseJoinRef,
        "9",
        releaseTopic,
        "invoke_tool_response",
        { request_id, data: "sunny" },
      ]);
      const response = await responsePromise;

      expect(request[2]).toBe(releaseTopic);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: "sunny" });
    } finally {
      await release.close();
    }
  });

  it.each([
    ["bad JSON", "{nope", /^body is not JSON/],
    ["a JSON array", "[]", /^body must be a JSON object/],
    ["a missing tool", { plugin: "demo" }, /^body needs string fields/],
    [
      "a bad timeout_ms",
      { plugin: "demo", tool: "t", timeout_ms: -1 },
      /timeout_ms/,
    ],
  ])("POST /invoke answers 400 for %s", async (_label, body, error) => {
    const response = await invoke(body);

    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string };
    expect(answer.error).toMatch(error);
  });

  it("answers a socket path without an upgrade with 400", async () => {
    const response = await fetch(`${http}/debug_socket/websocket`);

    expect(response.status).toBe(400);
  });

  it("answers an unknown route with 404", async () => {
    const response = await fetch(`${http}/nothing`);

    expect(response.status).toBe(404);
  });
});
