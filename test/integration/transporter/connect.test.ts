import { describe, expect, it } from "vitest";
import { Channel } from "../../../src/compat/channel.js";
import { JoinError, JoinTimeoutError } from "../../../src/errors.js";
import { runChild } from "../../support/child/run-child.js";
import { API_KEY, useHub } from "./fixture.js";

const TOPIC = "debug_plugin:connect";
const JOIN_TIMEOUT_MS = 300;

describe("createTransporter connect", () => {
  const harness = useHub();

  it("resolves with a joined channel and dispose once the hub answers the join", async () => {
    const transporter = harness.transporter();

    const { channel, dispose } = await transporter.connect(TOPIC);

    expect(channel).toBeInstanceOf(Channel);
    expect(channel.topic).toBe(TOPIC);
    expect(channel.state).toBe("joined");
    expect(typeof dispose).toBe("function");
    expect(harness.hub.connections[0]?.topics).toEqual([TOPIC]);
    const reply = harness.hub.frames.find(
      (frame) => frame.direction === "out" && frame.event === "phx_reply",
    );
    expect(reply).toMatchObject({ topic: TOPIC, payload: { status: "ok" } });
  });

  it("refused join: JoinError 'Failed to join <topic>: <reason>'", async () => {
    harness.hub.setJoinBehavior(TOPIC, { kind: "reject", reason: "banned" });
    const transporter = harness.transporter();
    const states: string[] = [];
    transporter.state$.subscribe((state) => states.push(state));

    const error = await transporter.connect(TOPIC).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(JoinError);
    expect(error).toMatchObject({
      code: "ERR_JOIN",
      topic: TOPIC,
      message: `Failed to join ${TOPIC}: banned`,
      response: { reason: "banned" },
    });
    expect(states.at(-1)).toBe("closed");
    expect(transporter.exits.codes).toEqual([]);
  });

  it("ignored join: JoinTimeoutError within joinTimeoutMs", async () => {
    harness.hub.setJoinBehavior(TOPIC, { kind: "ignore" });
    const transporter = harness.transporter({
      joinTimeoutMs: JOIN_TIMEOUT_MS,
    });
    const states: string[] = [];
    transporter.state$.subscribe((state) => states.push(state));
    const startedAt = Date.now();

    const error = await transporter.connect(TOPIC).catch((e: unknown) => e);

    // A bound, not a timing proof: the exact timing is a marble test.
    expect(Date.now() - startedAt).toBeLessThan(JOIN_TIMEOUT_MS + 2_000);
    expect(error).toBeInstanceOf(JoinTimeoutError);
    expect(error).toMatchObject({
      code: "ERR_JOIN_TIMEOUT",
      message: `Timeout while joining ${TOPIC}`,
      timeoutMs: JOIN_TIMEOUT_MS,
    });
    expect(states.at(-1)).toBe("closed");
  });

  it("no listener: JoinTimeoutError instead of a hang", async () => {
    await harness.hub.stop();
    const transporter = harness.transporter({
      joinTimeoutMs: JOIN_TIMEOUT_MS,
    });
    const errors: Error[] = [];
    transporter.errors$.subscribe((error) => errors.push(error));
    const startedAt = Date.now();

    const error = await transporter.connect(TOPIC).catch((e: unknown) => e);

    expect(Date.now() - startedAt).toBeLessThan(JOIN_TIMEOUT_MS + 2_000);
    expect(error).toBeInstanceOf(JoinTimeoutError);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.message).toMatch(/ECONNREFUSED/);
    expect(transporter.exits.codes).toEqual([]);
  });

  describe("in a plugin process, after a failed connect nothing keeps it alive", () => {
    const childEnv = (extra: Record<string, string> = {}) => ({
      HUB_WS_URL: harness.hub.url,
      HUB_DEBUG_API_KEY: API_KEY,
      NODE_ENV: "development",
      CHILD_TOPIC: TOPIC,
      CHILD_OPTIONS: JSON.stringify({
        joinTimeoutMs: JOIN_TIMEOUT_MS,
        reconnectStepsMs: [10],
        jitter: false,
      }),
      ...extra,
    });

    it("ends by itself after a refused join", async () => {
      harness.hub.setJoinBehavior(TOPIC, { kind: "reject", reason: "banned" });

      const { code, stdout } = await runChild("connect-once.ts", childEnv());

      expect(stdout).toEqual([
        `rejected JoinError: Failed to join ${TOPIC}: banned`,
      ]);
      expect(code).toBe(0);
    });

    it("ends by itself after a join timeout", async () => {
      harness.hub.setJoinBehavior(TOPIC, { kind: "ignore" });

      const { code, stdout } = await runChild("connect-once.ts", childEnv());

      expect(stdout).toEqual([
        `rejected JoinTimeoutError: Timeout while joining ${TOPIC}`,
      ]);
      expect(code).toBe(0);
    });

    it("ends by itself when the hub is not reachable", async () => {
      await harness.hub.stop();

      const { code, stdout } = await runChild("connect-once.ts", childEnv());

      expect(stdout).toEqual([
        `rejected JoinTimeoutError: Timeout while joining ${TOPIC}`,
      ]);
      expect(code).toBe(0);
    });
  });
});
