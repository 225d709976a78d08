import { describe, expect, it } from "vitest";
import { PhoenixSocket } from "../../src/streams/socket.js";

const url = "ws://127.0.0.1:1/debug_socket";

describe("PhoenixSocket options", () => {
  it.each([
    ["heartbeatIntervalMs", { heartbeatIntervalMs: 0 }, "0"],
    ["heartbeatTimeoutMs", { heartbeatTimeoutMs: -5 }, "-5"],
    ["connectTimeoutMs", { connectTimeoutMs: Number.NaN }, "NaN"],
    [
      "closeTimeoutMs",
      { closeTimeoutMs: Number.POSITIVE_INFINITY },
      "Infinity",
    ],
  ])(
    "rejects a bad %s when built, before anything connects",
    (name, options, shown) => {
      expect(() => new PhoenixSocket({ url, ...options })).toThrow(
        new TypeError(
          `${name} must be a positive number of milliseconds, got ${shown}`,
        ),
      );
    },
  );

  it("rejects an empty or negative reconnect schedule", () => {
    expect(() => new PhoenixSocket({ url, reconnectStepsMs: [] })).toThrow(
      "reconnectStepsMs must be a non-empty list of non-negative milliseconds, got []",
    );
    expect(
      () => new PhoenixSocket({ url, reconnectStepsMs: [10, -1] }),
    ).toThrow(TypeError);
  });

  it("rejects a URL that is not ws:// or wss://", () => {
    expect(() => new PhoenixSocket({ url: "http://h/socket" })).toThrow(
      'url must be a ws:// or wss:// URL, got "http://h/socket"',
    );
  });

  it("refuses to send while not open, naming event, topic and state", () => {
    const socket = new PhoenixSocket({ url });

    expect(() =>
      socket.send({
        join_ref: null,
        ref: "1",
        topic: "room:1",
        event: "phx_join",
        payload: {},
      }),
    ).toThrow("Cannot send phx_join on room:1: the socket is closed, not open");
  });

  it("hands out increasing refs", () => {
    const socket = new PhoenixSocket({ url });

    expect([socket.makeRef(), socket.makeRef(), socket.makeRef()]).toEqual([
      "1",
      "2",
      "3",
    ]);
  });
});
