import { describe, expect, it } from "vitest";
import {
  assertEndpoint,
  endpointUrl,
  maskUrl,
} from "../../src/streams/endpoint.js";

describe("endpointUrl", () => {
  it("adds the /websocket suffix, the version and the params", () => {
    expect(endpointUrl("ws://h:4000/debug_socket", { api_key: "k" })).toBe(
      "ws://h:4000/debug_socket/websocket?vsn=2.0.0&api_key=k",
    );
  });

  it("does not double a suffix that is already there or a trailing slash", () => {
    expect(endpointUrl("wss://h/s/websocket", {})).toBe(
      "wss://h/s/websocket?vsn=2.0.0",
    );
    expect(endpointUrl("wss://h/s/", {})).toBe("wss://h/s/websocket?vsn=2.0.0");
  });

  it("encodes param values", () => {
    expect(endpointUrl("ws://h/s", { token: "a b&c" })).toBe(
      "ws://h/s/websocket?vsn=2.0.0&token=a+b%26c",
    );
  });
});

describe("maskUrl", () => {
  it("masks every param that looks like a secret and keeps the rest", () => {
    expect(
      maskUrl("ws://h/s/websocket?vsn=2.0.0&api_key=abc&user=me&token=t"),
    ).toBe("ws://h/s/websocket?vsn=2.0.0&api_key=***&user=me&token=***");
  });
});

describe("assertEndpoint", () => {
  it.each(["http://h/s", "not a url", "", "ftp://h"])(
    "rejects %j with a TypeError",
    (endpoint) => {
      expect(() => assertEndpoint(endpoint)).toThrow(
        `url must be a ws:// or wss:// URL, got ${JSON.stringify(endpoint)}`,
      );
    },
  );

  it("accepts ws:// and wss://", () => {
    expect(() => assertEndpoint("ws://h/s")).not.toThrow();
    expect(() => assertEndpoint("wss://h/s")).not.toThrow();
  });
});
