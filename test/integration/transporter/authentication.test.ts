import { describe, expect, it } from "vitest";
import { AuthenticationError, ConnectionError } from "../../../src/errors.js";
import { runChild } from "../../support/child/run-child.js";
import { useHub } from "./fixture.js";

const TOPIC = "debug_plugin:auth";
const BAD_KEY = "bad-key-0c41";
const REFRESH_HINT =
  "Run `atomemo plugin refresh-key` to get a new debug API key.";
const LOG_LINE = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] [A-Z]+:[A-Z]+ /;

describe("createTransporter on a refused upgrade", () => {
  const harness = useHub({ apiKeys: ["good"] });

  it("403: logs status and refresh-key hint, rejects, exit(1)", async () => {
    const transporter = harness.transporter({
      env: { HUB_DEBUG_API_KEY: BAD_KEY },
    });

    const error = await transporter.connect(TOPIC).catch((e: unknown) => e);
    const code = await transporter.exits.next();

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: "ERR_AUTHENTICATION", status: 403 });
    expect(code).toBe(1);
    expect(transporter.exits.codes).toEqual([1]);
    const failures = transporter.logRecords.filter(
      (record) => record.kind === "AUTH:FAILED",
    );
    expect(failures).toEqual([
      {
        kind: "AUTH:FAILED",
        status: 403,
        level: "error",
        message:
          "Authentication failed: the hub answered the WebSocket upgrade " +
          `with HTTP 403. ${REFRESH_HINT}`,
      },
    ]);
    expect(JSON.stringify(transporter.logRecords)).not.toContain(BAD_KEY);
    expect(harness.hub.connections).toEqual([]);
  });

  it("in production logs the 403 without the refresh-key hint", async () => {
    const transporter = harness.transporter({
      env: { NODE_ENV: "production", HUB_DEBUG_API_KEY: undefined },
    });

    const error = await transporter.connect(TOPIC).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(await transporter.exits.next()).toBe(1);
    const failure = transporter.logRecords.find(
      (record) => record.kind === "AUTH:FAILED",
    );
    expect(failure?.message).toBe(
      "Authentication failed: the hub answered the WebSocket upgrade " +
        "with HTTP 403.",
    );
  });

  it("500 counts as a refusal too: rejects, exit(1)", async () => {
    harness.hub.refuseUpgrades(500);
    const transporter = harness.transporter({
      env: { HUB_DEBUG_API_KEY: "good" },
    });
    const attempts: string[] = [];
    transporter.state$.subscribe((state) => attempts.push(state));

    const error = await transporter.connect(TOPIC).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ status: 500 });
    expect(await transporter.exits.next()).toBe(1);
    expect(transporter.exits.codes).toEqual([1]);
    expect(
      transporter.logRecords.find((record) => record.kind === "AUTH:FAILED"),
    ).toMatchObject({ level: "error", status: 500 });
    expect(attempts.filter((state) => state === "connecting")).toHaveLength(1);
  });

  it("in a plugin process exits with code 1 after printing the refusal on stderr", async () => {
    const { code, stderr } = await runChild("connect-once.ts", {
      HUB_WS_URL: harness.hub.url,
      HUB_DEBUG_API_KEY: BAD_KEY,
      NODE_ENV: "development",
      CHILD_TOPIC: TOPIC,
    });

    expect(code).toBe(1);
    const failure = stderr.find((line) => line.includes("AUTH:FAILED"));
    expect(failure).toMatch(LOG_LINE);
    expect(failure).toContain(
      "AUTH:FAILED Authentication failed: the hub answered the WebSocket " +
        `upgrade with HTTP 403. ${REFRESH_HINT} {"status":403}`,
    );
    expect(stderr.join("\n")).not.toContain(BAD_KEY);
  });

  it("in a production plugin process exits with code 1, naming the status, without the hint", async () => {
    const { code, stderr } = await runChild("connect-once.ts", {
      HUB_WS_URL: harness.hub.url,
      NODE_ENV: "production",
      CHILD_TOPIC: TOPIC,
    });

    expect(code).toBe(1);
    const failures = stderr.filter((line) => line.includes("AUTH:FAILED"));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(LOG_LINE);
    expect(failures[0]).toContain(
      "AUTH:FAILED Authentication failed: the hub answered the WebSocket " +
        'upgrade with HTTP 403. {"status":403}',
    );
    expect(stderr.join("\n")).not.toContain("refresh-key");
  });
});
