import { afterEach, describe, expect, it, vi } from "vitest";
import { startChild } from "../../support/child/run-child.js";
import { useHub } from "./fixture.js";

const TOPIC = "debug_plugin:logging";
const SECRET_KEY = "secret-key-93be51";
const LOG_LINE = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] [A-Z]+:[A-Z]+ \S.*$/;

describe("createTransporter logging", () => {
  const harness = useHub();
  const childEnv = (options: object = {}) => ({
    HUB_WS_URL: harness.hub.url,
    HUB_DEBUG_API_KEY: SECRET_KEY,
    NODE_ENV: "development",
    DEBUG: "1",
    CHILD_TOPIC: TOPIC,
    CHILD_OPTIONS: JSON.stringify({
      joinTimeoutMs: 300,
      reconnectStepsMs: [10],
      rejoinStepsMs: [10],
      jitter: false,
      ...options,
    }),
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("DEBUG=1: '[time] KIND message data' lines on stderr, no API key", async () => {
    const child = startChild(
      "plugin.ts",
      childEnv({ heartbeatIntervalMs: 50 }),
    );
    const joined = await child.waitForStderr(/CHANNEL:JOINED/);
    await child.waitForStderr(/TRANSPORT:OPEN Connection 1 open/);

    harness.hub.dropConnections();
    await child.waitForStderr(/TRANSPORT:CLOSE Connection 1 closed/);
    const reconnect = await child.waitForStderr(/TRANSPORT:RECONNECT/);
    await child.waitForStderr(/CHANNEL:REJOINED/);

    harness.hub.setHeartbeatReplies(false);
    const timedOut = await child.waitForStderr(/HEARTBEAT:TIMEOUT/);
    harness.hub.setHeartbeatReplies(true);
    await child.waitForStderr(/TRANSPORT:OPEN Connection 3 open/);

    child.send("dispose");
    const { code, stderr } = await child.exited;

    expect(code).toBe(0);
    expect(joined).toMatch(
      new RegExp(`\\] CHANNEL:JOINED Joined ${TOPIC} successfully`),
    );
    expect(reconnect).toMatch(
      /TRANSPORT:RECONNECT Reconnecting in 10 ms \(attempt 1\) \{"attempt":1,"delayMs":10\}$/,
    );
    expect(timedOut).toMatch(
      /HEARTBEAT:TIMEOUT No reply to heartbeat \d+ within 50 ms/,
    );
    expect(stderr.some((line) => line.includes("TRANSPORT:DISPOSED"))).toBe(
      true,
    );
    expect(stderr.filter((line) => !LOG_LINE.test(line))).toEqual([]);
    expect(stderr.join("\n")).not.toContain(SECRET_KEY);
    expect(stderr.some((line) => line.includes("api_key=***"))).toBe(true);
  });

  it("DEBUG=1: CHANNEL:ERROR 'Failed to join <topic>: <reason>'", async () => {
    harness.hub.setJoinBehavior(TOPIC, { kind: "reject", reason: "nope" });

    const { code, stderr } = await startChild("connect-once.ts", childEnv())
      .exited;

    expect(code).toBe(0);
    const failure = stderr.find((line) => line.includes("CHANNEL:ERROR"));
    expect(failure).toMatch(LOG_LINE);
    expect(failure).toContain(
      `CHANNEL:ERROR Failed to join ${TOPIC}: nope ` +
        `{"topic":"${TOPIC}","response":{"reason":"nope"}}`,
    );
    expect(stderr.join("\n")).not.toContain(SECRET_KEY);
  });

  it("DEBUG=1: CHANNEL:TIMEOUT 'Timeout while joining <topic>'", async () => {
    harness.hub.setJoinBehavior(TOPIC, { kind: "ignore" });

    const { code, stderr } = await startChild("connect-once.ts", childEnv())
      .exited;

    expect(code).toBe(0);
    expect(stderr.find((line) => line.includes("CHANNEL:TIMEOUT"))).toMatch(
      new RegExp(
        `^\\[[-\\d: ]{19}\\] CHANNEL:TIMEOUT Timeout while joining ${TOPIC} `,
      ),
    );
  });

  it("a logger option gets records with a kind; stderr gets nothing", async () => {
    const stderrWrite = vi.spyOn(process.stderr, "write");
    const transporter = harness.transporter({
      env: { DEBUG: "1", HUB_DEBUG_API_KEY: SECRET_KEY },
    });

    await transporter.connect(TOPIC);
    harness.hub.dropConnections();
    await harness.hub.waitForFrame(
      (frame) => frame.connectionId === "conn-2" && frame.event === "phx_join",
    );

    const kinds = transporter.logRecords.map((record) => record.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        "TRANSPORT:CONNECTING",
        "TRANSPORT:OPEN",
        "CHANNEL:JOINED",
        "TRANSPORT:CLOSE",
        "TRANSPORT:RECONNECT",
      ]),
    );
    expect(
      transporter.logRecords.find((record) => record.kind === "CHANNEL:JOINED"),
    ).toEqual({
      kind: "CHANNEL:JOINED",
      topic: TOPIC,
      level: "info",
      message: `Joined ${TOPIC} successfully`,
    });
    expect(JSON.stringify(transporter.logRecords)).not.toContain(SECRET_KEY);
    const written = stderrWrite.mock.calls.map(([chunk]) => String(chunk));
    expect(written.filter((line) => line.includes("TRANSPORT:"))).toEqual([]);
  });
});
