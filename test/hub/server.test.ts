import { connect, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { startHub } from "../../src/hub/index.js";
import { useHub } from "./support/hub-fixture.js";
import { connectRaw, socketUrl, upgradeStatus } from "./support/raw-client.js";

const TOPIC = "debug_plugin:demo";

/**
 * Sends a WebSocket upgrade request over a plain TCP socket and resolves
 * with everything the hub wrote once the hub has closed the socket.
 */
function rawUpgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        [
          `GET ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          "Connection: Upgrade",
          "Upgrade: websocket",
          "Sec-WebSocket-Version: 13",
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
          "",
          "",
        ].join("\r\n"),
      );
    });
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.once("end", () => resolve(received));
    socket.once("error", reject);
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

describe("startHub", () => {
  it("listens on 127.0.0.1 and a free port by default, and reports url", async () => {
    const hub = await startHub();

    expect(hub.port).toBeGreaterThan(0);
    expect(hub.url).toBe(`ws://127.0.0.1:${hub.port}`);
    await hub.close();
  });

  it.each([
    [{ port: -1 }, "port must be an integer 0-65535, got -1"],
    [{ requestTimeoutMs: 0 }, "requestTimeoutMs must be a number > 0, got 0"],
    [{ maxFrameBytes: -5 }, "maxFrameBytes must be a number > 0, got -5"],
  ])("rejects the bad option %o", async (options, message) => {
    await expect(startHub(options)).rejects.toMatchObject({
      name: "HubArgumentError",
      message,
    });
  });

  it("rejects when the port is taken", async () => {
    const first = await startHub();

    await expect(startHub({ port: first.port })).rejects.toMatchObject({
      code: "EADDRINUSE",
    });
    await first.close();
  });
});

describe("upgrades", () => {
  describe("with apiKeys configured", () => {
    const fixture = useHub({ apiKeys: ["key-1", "key-2"] });

    it("accepts a debug socket with a configured key", async () => {
      const url = socketUrl(fixture.hub, { params: { api_key: "key-2" } });

      expect(await upgradeStatus(url)).toBe(101);
    });

    it("answers a wrong api_key with HTTP 403", async () => {
      const url = socketUrl(fixture.hub, { params: { api_key: "nope" } });

      expect(await upgradeStatus(url)).toBe(403);
    });

    it("answers a missing api_key with HTTP 403", async () => {
      expect(await upgradeStatus(socketUrl(fixture.hub))).toBe(403);
    });

    it("checks keys only on debug sockets", async () => {
      const url = socketUrl(fixture.hub, { mode: "release" });

      expect(await upgradeStatus(url)).toBe(101);
    });
  });

  describe("without apiKeys", () => {
    const fixture = useHub();

    it("accepts any key, or none", async () => {
      const withKey = socketUrl(fixture.hub, { params: { api_key: "any" } });

      expect(await upgradeStatus(withKey)).toBe(101);
      expect(await upgradeStatus(socketUrl(fixture.hub))).toBe(101);
    });

    it.each([
      "/socket/websocket",
      "/debug_socket",
      "/Debug_socket/websocket",
      "/debug-x_socket/websocket",
    ])("answers the path %s with HTTP 404", async (path) => {
      expect(await upgradeStatus(socketUrl(fixture.hub, { path }))).toBe(404);
    });

    it.each([
      ["1.0.0", "vsn=1.0.0"],
      ["missing", ""],
    ])(
      "refuses vsn %s with HTTP 403, as Phoenix refuses a vsn it lacks",
      async (_l, query) => {
        const url = `${fixture.hub.url}/debug_socket/websocket?${query}`;

        expect(await upgradeStatus(url)).toBe(403);
      },
    );

    it("writes a whole HTTP/1.1 response to a refused upgrade, then closes", async () => {
      fixture.hub.refuseUpgrades(503);

      const response = await rawUpgrade(
        fixture.hub.port,
        "/debug_socket/websocket?vsn=2.0.0",
      );

      const [head = "", body] = response.split("\r\n\r\n");
      const lines = head.split("\r\n");
      expect(lines[0]).toBe("HTTP/1.1 503 Service Unavailable");
      expect(lines).toContain("Connection: close");
      expect(lines).toContain(
        `Content-Length: ${Buffer.byteLength(body ?? "")}`,
      );
      expect(body).toBe("upgrades are refused by the hub\n");
    });

    it("answers a socket path without an upgrade with HTTP 400", async () => {
      const http = fixture.hub.url.replace("ws:", "http:");

      const response = await fetch(`${http}/debug_socket/websocket?vsn=2.0.0`);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: "expected a WebSocket upgrade",
      });
    });

    it("answers plain HTTP requests with 404 when the HTTP API is off", async () => {
      const http = fixture.hub.url.replace("ws:", "http:");

      const response = await fetch(`${http}/plugins`);

      expect(response.status).toBe(404);
    });

    it("lists connections with mode, raw params and joined topics", async () => {
      const client = await fixture.connect({
        mode: "release",
        params: { api_key: "k", extra: "1" },
      });
      await client.join(TOPIC);

      expect(fixture.hub.connections).toEqual([
        {
          id: "conn-1",
          mode: "release",
          params: { vsn: "2.0.0", api_key: "k", extra: "1" },
          topics: [TOPIC],
        },
      ]);
    });
  });
});

describe("stop, restart and close", () => {
  it("stop drops connections and frees the port; restart listens on it again", async () => {
    const hub = await startHub();
    const { port, url } = hub;
    const client = await connectRaw(hub);

    await hub.stop();
    const closed = await client.closed;
    const freeWhileStopped = await portIsFree(port);
    await hub.restart();
    const again = await connectRaw(hub);
    await again.roundTrip();

    expect(closed.code).toBe(1006);
    expect(freeWhileStopped).toBe(true);
    expect(hub.url).toBe(url);
    expect(hub.connections.map((c) => c.id)).toEqual(["conn-2"]);
    await again.close();
    await hub.close();
  });

  it("stop rejects pending requests with HubChannelClosedError", async () => {
    const hub = await startHub();
    const client = await connectRaw(hub);
    await client.join(TOPIC);
    const pending = hub.request(TOPIC, "invoke_tool", {}).catch((e) => e);

    await hub.stop();
    await client.closed;

    expect(await pending).toMatchObject({
      name: "HubChannelClosedError",
      message: expect.stringContaining("(hub stopped)"),
    });
    await hub.close();
  });

  it("close completes frames$ and makes waitForFrame reject", async () => {
    const hub = await startHub();
    let completed = false;
    hub.frames$.subscribe({ complete: () => (completed = true) });

    await hub.close();

    expect(completed).toBe(true);
    await expect(hub.waitForFrame(() => true)).rejects.toThrow(
      "Hub closed before a matching frame was recorded",
    );
  });

  it("close is idempotent and restart after close throws HubClosedError", async () => {
    const hub = await startHub();

    await hub.close();
    await hub.close();

    await expect(hub.restart()).rejects.toMatchObject({
      name: "HubClosedError",
      message: "Cannot restart: the hub is closed",
    });
  });

  it("close after stop still completes", async () => {
    const hub = await startHub();

    await hub.stop();
    await hub.close();

    expect(await portIsFree(hub.port)).toBe(true);
  });
});
