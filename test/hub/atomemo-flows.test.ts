import { describe, expect, it } from "vitest";
import { useHub } from "./support/hub-fixture.js";
import { captureLogs } from "./support/log-capture.js";
import type { RawClient, WireFrame } from "./support/raw-client.js";

const TOPIC = "debug_plugin:demo";

function requestIdOf(frame: WireFrame): string {
  return (frame[4] as { request_id: string }).request_id;
}

function dataOf(frame: WireFrame): unknown {
  return (frame[4] as { data: { n: unknown } }).data.n;
}

describe("register_plugin", () => {
  const fixture = useHub();

  it("replies ok and keeps the definition in plugins", async () => {
    const client = await fixture.connect();
    const joinRef = await client.join(TOPIC);
    const definition = { name: "demo", tools: [{ name: "echo" }] };

    client.send([joinRef, "2", TOPIC, "register_plugin", definition]);

    expect((await client.replyTo("2"))[4]).toEqual({
      status: "ok",
      response: {},
    });
    expect(fixture.hub.plugins.get(TOPIC)).toEqual(definition);
  });

  it.each([
    ["a payload without name", { tools: [] }],
    ["a numeric name", { name: 7 }],
    ["an array payload", ["demo"]],
    ["a null payload", null],
  ])("replies error for %s", async (_label, payload) => {
    const client = await fixture.connect();
    const joinRef = await client.join(TOPIC);

    client.send([joinRef, "2", TOPIC, "register_plugin", payload]);

    expect((await client.replyTo("2"))[4]).toEqual({
      status: "error",
      response: {
        reason: "register_plugin payload must be an object with a string name",
      },
    });
    expect(fixture.hub.plugins.has(TOPIC)).toBe(false);
  });

  it("forgets the definition when the plugin leaves", async () => {
    const client = await fixture.connect();
    const joinRef = await client.join(TOPIC);
    client.send([joinRef, "2", TOPIC, "register_plugin", { name: "demo" }]);
    await client.replyTo("2");

    client.send([joinRef, "3", TOPIC, "phx_leave", {}]);
    await client.replyTo("3");

    expect(fixture.hub.plugins.size).toBe(0);
  });
});

describe("hub → plugin requests", () => {
  const logs = captureLogs();
  const fixture = useHub({ requestTimeoutMs: 2_000, logger: logs.logger });

  async function joinedPlugin(): Promise<{ client: RawClient; jr: string }> {
    const client = await fixture.connect();
    return { client, jr: await client.join(TOPIC) };
  }

  it("sends {request_id, data} and resolves with the _response data", async () => {
    const { client, jr } = await joinedPlugin();

    const result = fixture.hub.request(TOPIC, "invoke_tool", { tool: "x" });
    const sent = await client.nextFrame((f) => f[3] === "invoke_tool");
    client.send([
      jr,
      "5",
      TOPIC,
      "invoke_tool_response",
      { request_id: requestIdOf(sent), data: { answer: 42 } },
    ]);

    expect(await result).toEqual({ ok: true, data: { answer: 42 } });
    expect(sent).toEqual([
      jr,
      null,
      TOPIC,
      "invoke_tool",
      { request_id: expect.any(String), data: { tool: "x" } },
    ]);
  });

  it.each([
    "invoke_tool",
    "locator_list",
    "resource_mapping",
    "credential_auth_spec",
    "oauth2_build_authorize_url",
    "oauth2_get_token",
    "oauth2_refresh_token",
  ] as const)(
    "sends %s with a fresh request_id and settles on its _response",
    async (event) => {
      const { client, jr } = await joinedPlugin();

      const first = fixture.hub.request(TOPIC, event, { n: 1 });
      const second = fixture.hub.request(TOPIC, event, { n: 2 });
      const [sentFirst, sentSecond] = await Promise.all([
        client.nextFrame((f) => f[3] === event && dataOf(f) === 1),
        client.nextFrame((f) => f[3] === event && dataOf(f) === 2),
      ]);
      // Answered in reverse order: each answer settles its own request.
      for (const [sent, data] of [
        [sentSecond, "two"],
        [sentFirst, "one"],
      ] as const) {
        client.send([
          jr,
          null,
          TOPIC,
          `${event}_response`,
          { request_id: requestIdOf(sent), data },
        ]);
      }

      expect(requestIdOf(sentFirst)).not.toBe(requestIdOf(sentSecond));
      expect(await first).toEqual({ ok: true, data: "one" });
      expect(await second).toEqual({ ok: true, data: "two" });
    },
  );

  it("request$ emits the answer once and completes", async () => {
    const { client, jr } = await joinedPlugin();
    const seen: string[] = [];

    const done = new Promise<void>((resolve, reject) =>
      fixture.hub.request$(TOPIC, "locator_list", {}).subscribe({
        next: (result) => seen.push(`next ${JSON.stringify(result)}`),
        error: reject,
        complete: () => {
          seen.push("complete");
          resolve();
        },
      }),
    );
    const sent = await client.nextFrame((f) => f[3] === "locator_list");
    client.send([
      jr,
      null,
      TOPIC,
      "locator_list_response",
      { request_id: requestIdOf(sent), data: [1] },
    ]);
    await done;

    expect(seen).toEqual(['next {"ok":true,"data":[1]}', "complete"]);
  });

  it("request$ errors with HubRequestTimeoutError when no answer comes", async () => {
    await joinedPlugin();

    const error = await new Promise((resolve) =>
      fixture.hub
        .request$(TOPIC, "credential_auth_spec", {}, { timeoutMs: 20 })
        .subscribe({ error: resolve }),
    );

    expect(error).toMatchObject({
      name: "HubRequestTimeoutError",
      event: "credential_auth_spec",
      timeoutMs: 20,
    });
  });

  it("resolves {ok: false, error} for an _error answer", async () => {
    const { client, jr } = await joinedPlugin();

    const result = fixture.hub.request(TOPIC, "locator_list", {});
    const sent = await client.nextFrame((f) => f[3] === "locator_list");
    const error = { code: "plugin:boom", message: "boom" };
    client.send([
      jr,
      "5",
      TOPIC,
      "locator_list_error",
      { request_id: requestIdOf(sent), error },
    ]);

    expect(await result).toEqual({ ok: false, error });
  });

  it("resolves {ok: false, error} for unsupported_event", async () => {
    const { client, jr } = await joinedPlugin();

    const result = fixture.hub.request(TOPIC, "oauth2_get_token", {});
    const sent = await client.nextFrame((f) => f[3] === "oauth2_get_token");
    const error = { code: "sdk:method_not_supported", message: "no" };
    client.send([
      jr,
      "5",
      TOPIC,
      "unsupported_event",
      { request_id: requestIdOf(sent), event: "oauth2_get_token", error },
    ]);

    expect(await result).toEqual({ ok: false, error });
  });

  it("sends no phx_reply to answers, even unmatched ones", async () => {
    const { client, jr } = await joinedPlugin();

    client.send([jr, "5", TOPIC, "invoke_tool_response", { request_id: "?" }]);
    client.send([jr, "6", TOPIC, "unsupported_event", { request_id: "?" }]);
    await client.roundTrip();

    expect(client.frames((f) => f[1] === "5" || f[1] === "6")).toEqual([]);
  });

  it("ignores an answer whose event does not match the request", async () => {
    const { client, jr } = await joinedPlugin();

    const result = fixture.hub.request(TOPIC, "invoke_tool", {});
    const sent = await client.nextFrame((f) => f[3] === "invoke_tool");
    const requestId = requestIdOf(sent);
    client.send([
      jr,
      "5",
      TOPIC,
      "locator_list_response",
      { request_id: requestId },
    ]);
    client.send([
      jr,
      "6",
      TOPIC,
      "invoke_tool_response",
      { request_id: requestId, data: "right one" },
    ]);

    expect(await result).toEqual({ ok: true, data: "right one" });
  });

  it("rejects with HubRequestTimeoutError when no answer comes", async () => {
    await joinedPlugin();

    const result = fixture.hub.request(
      TOPIC,
      "resource_mapping",
      {},
      {
        timeoutMs: 30,
      },
    );

    await expect(result).rejects.toMatchObject({
      name: "HubRequestTimeoutError",
      code: "hub:request_timeout",
      timeoutMs: 30,
      message: expect.stringMatching(
        new RegExp(
          "^Timeout after 30 ms waiting for resource_mapping_response" +
            " \\(request_id .+\\) on debug_plugin:demo$",
        ),
      ),
    });
  });

  it("rejects with HubTopicNotJoinedError when no one joined the topic", async () => {
    await expect(
      fixture.hub.request("debug_plugin:absent", "invoke_tool", {}),
    ).rejects.toMatchObject({
      name: "HubTopicNotJoinedError",
      message:
        "Cannot send invoke_tool on debug_plugin:absent: no connection has joined it",
    });
  });

  it("rejects with HubChannelClosedError when the connection drops", async () => {
    const { client } = await joinedPlugin();
    const result = fixture.hub.request(TOPIC, "invoke_tool", {});
    await client.nextFrame((f) => f[3] === "invoke_tool");

    await client.close();

    await expect(result).rejects.toMatchObject({
      name: "HubChannelClosedError",
      code: "hub:channel_closed",
      message: expect.stringContaining("(connection closed)"),
    });
  });

  it("rejects a non-positive timeoutMs with HubArgumentError", async () => {
    await joinedPlugin();

    await expect(
      fixture.hub.request(TOPIC, "invoke_tool", {}, { timeoutMs: 0 }),
    ).rejects.toThrow("timeoutMs must be > 0, got 0");
  });

  it("sends request$ only on subscribe and forgets it on unsubscribe", async () => {
    const { client, jr } = await joinedPlugin();
    const request$ = fixture.hub.request$(TOPIC, "invoke_tool", {});

    expect(client.frames((f) => f[3] === "invoke_tool")).toEqual([]);
    const subscription = request$.subscribe();
    const sent = await client.nextFrame((f) => f[3] === "invoke_tool");
    subscription.unsubscribe();
    client.send([
      jr,
      "5",
      TOPIC,
      "invoke_tool_response",
      { request_id: requestIdOf(sent), data: 1 },
    ]);
    await client.roundTrip();

    expect(subscription.closed).toBe(true);
    expect(logs.records).toContainEqual(
      expect.objectContaining({
        msg: "answer matches no pending request",
        requestId: requestIdOf(sent),
      }),
    );
  });
});

describe("hub calls", () => {
  describe("with a handler", () => {
    const fixture = useHub({
      hubCallHandler: (name, data, context) => {
        if (name === "fail") {
          throw Object.assign(new Error("no such file"), { code: "fs:enoent" });
        }
        if (name === "reject") return Promise.reject(new Error("later"));
        return Promise.resolve({ name, data, topic: context.topic });
      },
    });

    it("pushes hub_call_response with the handler's value and sends no phx_reply", async () => {
      const client = await fixture.connect();
      const jr = await client.join(TOPIC);

      client.send([
        jr,
        "2",
        TOPIC,
        "hub_call:get_file",
        { request_id: "r1", data: { p: 1 } },
      ]);
      const response = await client.nextFrame(
        (f) => f[3] === "hub_call_response",
      );

      expect(response).toEqual([
        jr,
        null,
        TOPIC,
        "hub_call_response",
        {
          request_id: "r1",
          data: { name: "get_file", data: { p: 1 }, topic: TOPIC },
        },
      ]);
      expect(client.frames((f) => f[1] === "2")).toEqual([]);
    });

    it("pushes hub_call_error with the thrown error's code and message", async () => {
      const client = await fixture.connect();
      const jr = await client.join(TOPIC);

      client.send([jr, "2", TOPIC, "hub_call:fail", { request_id: "r2" }]);
      const error = await client.nextFrame((f) => f[3] === "hub_call_error");

      expect(error[4]).toEqual({
        request_id: "r2",
        error: { code: "fs:enoent", message: "no such file" },
      });
    });

    it("pushes hub_call_error with code hub:handler_error for a rejection", async () => {
      const client = await fixture.connect();
      const jr = await client.join(TOPIC);

      client.send([jr, "2", TOPIC, "hub_call:reject", { request_id: "r3" }]);
      const error = await client.nextFrame((f) => f[3] === "hub_call_error");

      expect(error[4]).toEqual({
        request_id: "r3",
        error: { code: "hub:handler_error", message: "later" },
      });
    });

    it("ignores a hub call without a string request_id", async () => {
      const client = await fixture.connect();
      const jr = await client.join(TOPIC);

      client.send([jr, "2", TOPIC, "hub_call:x", { data: 1 }]);
      await client.roundTrip();

      expect(
        client.frames((f) => f[3].startsWith("hub_call") || f[1] === "2"),
      ).toEqual([]);
    });
  });

  describe("without a handler", () => {
    const fixture = useHub();

    it("pushes hub_call_error with code hub:no_handler", async () => {
      const client = await fixture.connect();
      const jr = await client.join(TOPIC);

      client.send([jr, "2", TOPIC, "hub_call:anything", { request_id: "r9" }]);
      const error = await client.nextFrame((f) => f[3] === "hub_call_error");

      expect(error[4]).toEqual({
        request_id: "r9",
        error: { code: "hub:no_handler", message: "No handler for anything" },
      });
    });
  });
});
