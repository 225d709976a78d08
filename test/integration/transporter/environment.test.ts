import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../../src/errors.js";
import { createTransporter } from "../../../src/transporter.js";
import { recordExit, useHub } from "./fixture.js";

const URL_NOT_SET =
  "HUB_WS_URL is not set: the hub's WebSocket URL, e.g. wss://hub.atomemo.ai";
const KEY_NOT_SET =
  "HUB_DEBUG_API_KEY is not set: it is required unless NODE_ENV=production " +
  "(run `atomemo plugin refresh-key` to get one)";

/** The ConfigurationError createTransporter throws for `env`. */
function configurationErrorOf(
  env: Record<string, string | undefined>,
): ConfigurationError {
  const exits = recordExit();
  try {
    createTransporter({ env, exit: exits.exit });
  } catch (error) {
    expect(exits.codes).toEqual([]);
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error(`createTransporter accepted ${JSON.stringify(env)}`);
}

describe("createTransporter environment checks", () => {
  const harness = useHub();
  const valid = () => ({
    HUB_WS_URL: harness.hub.url,
    HUB_DEBUG_API_KEY: "k",
    NODE_ENV: "development",
  });

  it("throws ConfigurationError when HUB_WS_URL is missing", () => {
    const error = configurationErrorOf({ ...valid(), HUB_WS_URL: undefined });

    expect(error.code).toBe("ERR_CONFIGURATION");
    expect(error.problems).toEqual([URL_NOT_SET]);
    expect(error.message).toBe(`Invalid configuration:\n  - ${URL_NOT_SET}`);
  });

  it("throws ConfigurationError when HUB_WS_URL is an http:// URL", () => {
    const error = configurationErrorOf({
      ...valid(),
      HUB_WS_URL: "http://127.0.0.1:4000",
    });

    expect(error.problems).toEqual([
      'HUB_WS_URL must be a ws:// or wss:// URL, got "http://127.0.0.1:4000"',
    ]);
  });

  it("throws ConfigurationError when HUB_DEBUG_API_KEY is missing outside production", () => {
    const error = configurationErrorOf({
      ...valid(),
      HUB_DEBUG_API_KEY: undefined,
    });

    expect(error.problems).toEqual([KEY_NOT_SET]);
  });

  it("needs no HUB_DEBUG_API_KEY in production and connects without one", async () => {
    const exits = recordExit();
    const transporter = createTransporter({
      env: {
        HUB_WS_URL: harness.hub.url,
        NODE_ENV: "production",
      },
      exit: exits.exit,
      joinTimeoutMs: 1_000,
      disposeTimeoutMs: 500,
    });

    const { dispose } = await transporter.connect("debug_plugin:prod");
    expect(harness.hub.connections[0]?.params).toEqual({ vsn: "2.0.0" });
    await dispose();

    expect(exits.codes).toEqual([0]);
  });

  it("throws ConfigurationError for a HUB_MODE that is no environment name", () => {
    const error = configurationErrorOf({ ...valid(), HUB_MODE: "Release/1" });

    expect(error.problems).toEqual([
      'HUB_MODE must be "debug" or a release environment name ' +
        '(lowercase letters, digits, _), got "Release/1"',
    ]);
  });

  it("throws ConfigurationError for a DEBUG value it cannot read", () => {
    const error = configurationErrorOf({ ...valid(), DEBUG: "{yes}" });

    expect(error.problems).toEqual([
      "DEBUG must be 1/true/yes/on, 0/false/no/off, or a list of debug " +
        'namespaces such as "atomemo:*", got "{yes}"',
    ]);
  });

  it("lists every problem at once, one line each, in one ConfigurationError", () => {
    const error = configurationErrorOf({
      HUB_WS_URL: "http://hub",
      HUB_MODE: "BAD MODE",
      DEBUG: "{on}",
      NODE_ENV: "test",
    });

    expect(error.problems).toHaveLength(4);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("Invalid configuration:");
    expect(lines.slice(1)).toEqual(
      error.problems.map((problem) => `  - ${problem}`),
    );
    expect(lines.slice(1).map((line) => line.split(" ")[3])).toEqual([
      "HUB_WS_URL",
      "HUB_MODE",
      "HUB_DEBUG_API_KEY",
      "DEBUG",
    ]);
  });

  it("throws before any connection: the hub's first connection is the next valid one", async () => {
    configurationErrorOf({ ...valid(), HUB_MODE: "NOT VALID" });
    const transporter = harness.transporter();

    await transporter.connect("debug_plugin:after");

    expect(harness.hub.connections.map((c) => c.id)).toEqual(["conn-1"]);
    expect(
      harness.hub.frames.filter((frame) => frame.connectionId !== "conn-1"),
    ).toEqual([]);
  });
});
