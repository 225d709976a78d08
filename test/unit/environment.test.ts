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
      "HUB_WS_URL is not set: the hub's WebSocket URL, e.g. wss://hub.atomemo.ai",
      'HUB_MODE must be "debug" or a release environment name (lowercase letters, digits, _), got "Debug Mode"',
      "HUB_DEBUG_API_KEY is not set: it is required unless NODE_ENV=production (run `atomemo plugin refresh-key` to get one)",
      'DEBUG must be 1/true/yes/on, 0/false/no/off, or a list of debug namespaces such as "atomemo:*", got "{on}"',
    ]);
  });

  it("puts every problem in the error's message", () => {
    expect(() => readHubEnvironment({ HUB_WS_URL: "http://h" })).toThrow(
      /Invalid configuration:\n {2}- HUB_WS_URL must be a ws:\/\/ or wss:\/\/ URL, got "http:\/\/h"\n {2}- HUB_DEBUG_API_KEY is not set/,
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
    ["*,-atomemo", true],
  ])("reads DEBUG=%j as %s", (value, expected) => {
    expect(readHubEnvironment({ ...valid, DEBUG: value }).debug).toBe(expected);
  });

  it.each(["maybe?", "true!", "a b;c"])("rejects DEBUG=%j", (value) => {
    expect(problemsOf({ ...valid, DEBUG: value })).toHaveLength(1);
  });
});
