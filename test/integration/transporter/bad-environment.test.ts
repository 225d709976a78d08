import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type ChildExit, runChild } from "../../support/child/run-child.js";

const API_KEY = "key-never-printed-7f3a";
const URL_NOT_SET =
  "HUB_WS_URL is not set: the hub's WebSocket URL, e.g. wss://hub.atomemo.ai";
const BAD_MODE =
  'HUB_MODE must be "debug" or a release environment name ' +
  '(lowercase letters, digits, _), got "Bad Mode"';

/** The `  - <problem>` lines of the ConfigurationError on stderr. */
function problemLines(exit: ChildExit): string[] {
  return exit.stderr
    .filter((line) => line.startsWith("  - "))
    .map((line) => line.slice(4));
}

/** The log lines on stderr, without their `[YYYY-MM-DD HH:mm:ss] ` stamp. */
function logLines(exit: ChildExit): string[] {
  const stamp = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] /;

  return exit.stderr
    .filter((line) => stamp.test(line))
    .map((line) => line.replace(stamp, ""));
}

/** A plain TCP listener that only counts who connects to it. */
async function listenAndCount(): Promise<{ server: Server; count(): number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => {
    server.listen(0, "127.0.0.1", resolve);
  });

  return { server, count: () => connections };
}

describe("a plugin process with a bad environment", () => {
  let server: Server | undefined;

  afterEach(async () => {
    const closing = server;
    server = undefined;
    if (closing === undefined) return;

    await new Promise((resolve) => closing.close(resolve));
  });

  it("exits 1 with one stderr line per problem, before connecting", async () => {
    const exit = await runChild("connect-once.ts", {
      HUB_MODE: "Bad Mode",
      HUB_DEBUG_API_KEY: API_KEY,
      NODE_ENV: "development",
    });

    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain("ConfigurationError: Invalid configuration:");
    expect(problemLines(exit)).toEqual([URL_NOT_SET, BAD_MODE]);
    expect(logLines(exit)).toEqual([
      `CONFIG:INVALID ${URL_NOT_SET}`,
      `CONFIG:INVALID ${BAD_MODE}`,
    ]);
    expect(exit.stdout.filter((line) => line !== "")).toEqual([]);
    expect(exit.stderr.join("\n")).not.toContain(API_KEY);
  });

  it("never opens a connection to a listening HUB_WS_URL", async () => {
    const listener = await listenAndCount();
    server = listener.server;
    const { port } = server.address() as { port: number };

    const exit = await runChild("connect-once.ts", {
      HUB_WS_URL: `ws://127.0.0.1:${port}/?api_key=${API_KEY}`,
      HUB_MODE: "Bad Mode",
      HUB_DEBUG_API_KEY: API_KEY,
      NODE_ENV: "development",
    });

    expect(exit.code).toBe(1);
    expect(problemLines(exit)).toEqual([
      "HUB_WS_URL must have no query string (?...) or fragment (#...), " +
        `got "ws://127.0.0.1:${port}/?..."`,
      BAD_MODE,
    ]);
    expect(exit.stderr.join("\n")).not.toContain(API_KEY);
    expect(listener.count()).toBe(0);
  });
});
