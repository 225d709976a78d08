import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/create-logger.js";
import { formatLogLine, formatTimestamp } from "../../src/logging/log-line.js";

describe("formatLogLine", () => {
  it("reads [YYYY-MM-DD HH:mm:ss] KIND message data", () => {
    const line = formatLogLine({
      time: new Date(2026, 2, 1, 12, 0, 0).getTime(),
      level: 30,
      kind: "CHANNEL:JOINED",
      msg: "Joined debug_plugin:my-plugin successfully",
      topic: "debug_plugin:my-plugin",
    });

    expect(line).toBe(
      '[2026-03-01 12:00:00] CHANNEL:JOINED Joined debug_plugin:my-plugin successfully {"topic":"debug_plugin:my-plugin"}\n',
    );
  });

  it("falls back to the level when a record has no kind, and omits empty data", () => {
    const line = formatLogLine({
      time: new Date(2026, 0, 2, 3, 4, 5).getTime(),
      level: 40,
      msg: "careful",
    });

    expect(line).toBe("[2026-01-02 03:04:05] WARN careful\n");
  });

  it("pads every field of the timestamp", () => {
    expect(formatTimestamp(new Date(2026, 8, 9, 7, 6, 5))).toBe(
      "2026-09-09 07:06:05",
    );
  });
});

describe("createLogger", () => {
  it("writes debug lines only when DEBUG is on", () => {
    const quiet: string[] = [];
    const chatty: string[] = [];
    createLogger({ debug: false, sink: { write: (l) => quiet.push(l) } }).debug(
      { kind: "X" },
      "hidden",
    );
    createLogger({ debug: true, sink: { write: (l) => chatty.push(l) } }).debug(
      { kind: "X" },
      "shown",
    );

    expect(quiet).toEqual([]);
    expect(chatty).toEqual([expect.stringMatching(/\] X shown\n$/)]);
  });

  it("masks an API key wherever a record carries one", () => {
    const lines: string[] = [];
    const logger = createLogger({
      debug: true,
      sink: { write: (line) => lines.push(line) },
    });

    logger.info(
      { kind: "X", api_key: "s3cret", params: { api_key: "s3cret" } },
      "m",
    );

    expect(lines.join("")).not.toContain("s3cret");
    expect(lines.join("")).toContain('"api_key":"***"');
  });
});
