import { describe, expect, it } from "vitest";
import { readHubEnvironment } from "../../src/config/environment.js";
import { ConfigurationError } from "../../src/errors.js";

const valid = { HUB_WS_URL: "ws://127.0.0.1:4000", HUB_DEBUG_API_KEY: "k" };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    readHubEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return [...(error as ConfigurationError).problems];
  }
  return [];
}

describe("readHubEnvironment", () => {
  it("reads a debug environment with its defaults", () => {
    expect(readHubEnvironment(valid)).toEqual({
      hubUrl: "ws://127.0.0.1:4000",
      mode: "debug",
      apiKey: "k",
      production: false,
      debug: false,
    });
  });

  it("drops a trailing slash from HUB_WS_URL", () => {
    const env = { ...valid, HUB_WS_URL: "wss://hub.example.com/" };

    expect(readHubEnvironment(env).hubUrl).toBe("wss://hub.example.com");
  });

  it("needs no API key in production", () => {
    const env = {
      HUB_WS_URL: "wss://h",
      NODE_ENV: "production",
      HUB_MODE: "release",
    };

    expect(readHubEnvironment(env)).toMatchObject({
      production: true,
      apiKey: undefined,
      mode: "release",
    });
  });

  it("lists every problem, one line each", () => {
    const problems = problemsOf({ HUB_MODE: "Debug Mode", DEBUG: "{on}" });

    expect(problems).toEqual([
      "HUB_WS_URL is not set: the hub's WebSocket URL, " +
        "e.g. wss://hub.atomemo.ai",
      'HUB_MODE must be "debug" or a release environment name ' +
        '(lowercase letters, digits, _), got "Debug Mode"',
      "HUB_DEBUG_API_KEY is not set: it is required unless " +
        "NODE_ENV=production (run `atomemo plugin refresh-key` to get one)",
      "DEBUG must be 1/true/yes/on, 0/false/no/off, or a list of debug " +
        'namespaces such as "atomemo:*", got "{on}"',
    ]);
  });

  it("puts every problem in the error's message", () => {
    expect(() => readHubEnvironment({ HUB_WS_URL: "http://h" })).toThrow(
      "Invalid configuration:\n" +
        '  - HUB_WS_URL must be a ws:// or wss:// URL, got "http://h"\n' +
        "  - HUB_DEBUG_API_KEY is not set",
    );
  });

  it.each([
    ["1", true],
    ["true", true],
    ["ON", true],
    ["*", true],
    ["atomemo:*", true],
    ["express:*,atomemo", true],
    ["atomemo*", true],
    ["0", false],
    ["off", false],
    ["", false],
    [undefined, false],
    ["express:*", false],
    ["atomemo:transporter", true],
    ["*,-atomemo", false],
    ["*,-atomemo:*", false],
    ["-atomemo:*,*", false],
    ["atomemo:*,-atomemo:transporter", false],
    ["atomemo*,-atomemo:t*", false],
    ["-*", false],
    ["-*,atomemo:*", false],
    ["*,-express:*", true],
    ["express:*,-express:db,atomemo:*", true],
    ["-express:*,atomemo", true],
    ["atomemo:", false],
    ["atomemo:trans", false],
    ["  atomemo:*  ", true],
    ["express:* atomemo:*", true],
    ["express:*\tatomemo", true],
    ["express:*, ,atomemo", true],
    ["* -atomemo:*", false],
    ["*\n-atomemo", false],
  ])("reads DEBUG=%j as %s", (value, expected) => {
    expect(readHubEnvironment({ ...valid, DEBUG: value }).debug).toBe(expected);
  });

  it.each(["maybe?", "true!", "a b;c"])("rejects DEBUG=%j", (value) => {
    expect(problemsOf({ ...valid, DEBUG: value })).toHaveLength(1);
  });

  it.each([
    ["ws://127.0.0.1:4000/?a=1", '"ws://127.0.0.1:4000/?..."'],
    ["ws://127.0.0.1:4000?api_key=s3cret", '"ws://127.0.0.1:4000?..."'],
    ["ws://127.0.0.1:4000#x", '"ws://127.0.0.1:4000#..."'],
    ["wss://h/path?", '"wss://h/path?..."'],
    ["wss://h/?a=1#s3cret", '"wss://h/?...#..."'],
  ])("rejects HUB_WS_URL=%j, hiding its query", (url, shown) => {
    const problems = problemsOf({ ...valid, HUB_WS_URL: url });

    expect(problems).toEqual([
      "HUB_WS_URL must have no query string (?...) or fragment (#...), " +
        `got ${shown}`,
    ]);
    expect(problems.join("\n")).not.toContain("s3cret");
  });

  it("reports a wrong scheme and a query as two problems", () => {
    const problems = problemsOf({ ...valid, HUB_WS_URL: "http://h/?k=s3cret" });

    expect(problems).toEqual([
      'HUB_WS_URL must be a ws:// or wss:// URL, got "http://h/?..."',
      "HUB_WS_URL must have no query string (?...) or fragment (#...), " +
        'got "http://h/?..."',
    ]);
  });

  it("keeps a path that has neither query nor fragment", () => {
    const env = { ...valid, HUB_WS_URL: " wss://h.example.com/hub/ " };

    expect(readHubEnvironment(env).hubUrl).toBe("wss://h.example.com/hub");
  });
});
