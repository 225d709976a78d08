import { beforeEach, describe, expect, it } from "vitest";
import { startChild } from "../../support/child/run-child.js";
import { hubLog } from "../../support/hub-log.js";
import { API_KEY, useHub } from "./fixture.js";

const TOPIC = "debug_plugin:my-plugin";
const DEFINITION = {
  name: "my-plugin",
  display_name: { en_US: "My Plugin" },
  description: { en_US: "My plugin description" },
};

describe("the seed's example code against the test hub", () => {
  const log = hubLog();
  const harness = useHub({ logger: log.logger });
  beforeEach(() => log.clear());
  const env = (seedOptions: "1" | "2") => ({
    HUB_WS_URL: harness.hub.url,
    HUB_DEBUG_API_KEY: API_KEY,
    NODE_ENV: "development",
    SEED_OPTIONS: seedOptions,
  });

  /** What both examples must do: register, answer, leave, close, exit 0. */
  async function runsTheSession(child: ReturnType<typeof startChild>) {
    const register = await harness.hub.waitForFrame(
      (frame) => frame.direction === "in" && frame.event === "register_plugin",
    );
    const registered = await harness.hub.waitForFrame(
      (frame) =>
        frame.direction === "out" &&
        frame.event === "phx_reply" &&
        frame.ref === register.ref,
    );
    expect(registered.payload).toMatchObject({ status: "ok" });
    expect(harness.hub.plugins.get(TOPIC)).toEqual(DEFINITION);
    const answer = await harness.hub.request(
      TOPIC,
      "invoke_tool",
      { tool_name: "add" },
      { timeoutMs: 2_000 },
    );

    child.send("dispose");
    const exit = await child.exited;

    expect(answer).toEqual({
      ok: true,
      data: { echoed: { tool_name: "add" } },
    });
    expect(
      harness.hub.frames
        .filter((frame) => frame.direction === "in" && frame.topic === TOPIC)
        .map((frame) => frame.event),
    ).toEqual([
      "phx_join",
      "register_plugin",
      "invoke_tool_response",
      "phx_leave",
    ]);
    const closed = await log.waitFor(
      (record) => record.msg === "connection closed",
    );
    expect(closed).toMatchObject({ code: 1000, reason: "dispose" });

    return exit;
  }

  it("runs the 'Internal Implementation' options: onOpen, onClose, exit 0 on dispose()", async () => {
    const child = startChild("seed-example.ts", env("1"));
    await child.waitForStdout(/^Connection established$/);

    const { code, stdout, stderr } = await runsTheSession(child);

    expect(code).toBe(0);
    expect(stdout).toEqual(["Connection established", "Connection closed"]);
    expect(stderr).toEqual([]);
  });

  it("runs the 'Custom Connection Handlers' options: onOpen, onMessage, exit 0 on dispose()", async () => {
    const child = startChild("seed-example.ts", env("2"));
    await child.waitForStdout(/^Connected to Atomemo Hub$/);

    const { code, stdout, stderr } = await runsTheSession(child);

    expect(code).toBe(0);
    expect(stdout[0]).toBe("Connected to Atomemo Hub");
    const printed = stdout.slice(1).join("\n");
    const messages = printed
      .split(/^Message received: /m)
      .filter((chunk) => chunk !== "")
      .map((chunk) => JSON.parse(chunk) as { topic: string; event: string });
    expect(messages.map((message) => [message.topic, message.event])).toEqual(
      expect.arrayContaining([
        [TOPIC, "phx_reply"],
        [TOPIC, "invoke_tool"],
      ]),
    );
    expect(stderr).toEqual([]);
  });
});
