import { describe, expect, it } from "vitest";
import { API_KEY, useHub } from "./fixture.js";

const TOPIC = "debug_plugin:url";

describe("createTransporter endpoint URL", () => {
  const harness = useHub();

  it("uses /debug_socket/websocket, vsn 2.0.0 and api_key", async () => {
    const transporter = harness.transporter();

    await transporter.connect(TOPIC);

    expect(harness.hub.connections).toEqual([
      {
        id: "conn-1",
        mode: "debug",
        params: { vsn: "2.0.0", api_key: API_KEY },
        topics: [TOPIC],
      },
    ]);
  });

  it("sends an api_key with URL-special characters intact and masks it in the log", async () => {
    const key = "k+y/=&#? é";
    const transporter = harness.transporter({
      env: { HUB_DEBUG_API_KEY: key },
    });

    await transporter.connect(TOPIC);

    expect(harness.hub.connections[0]?.params.api_key).toBe(key);
    const connecting = transporter.logRecords.find(
      (record) => record.kind === "TRANSPORT:CONNECTING",
    );
    expect(connecting?.message).toMatch(/api_key=\*\*\*$/);
    expect(JSON.stringify(transporter.logRecords)).not.toContain("k+y");
    expect(JSON.stringify(transporter.logRecords)).not.toContain("k%2By");
  });

  it("sends no api_key in production, even when HUB_DEBUG_API_KEY is set", async () => {
    const transporter = harness.transporter({
      env: { NODE_ENV: "production" },
    });

    await transporter.connect(TOPIC);

    expect(harness.hub.connections[0]?.params).toEqual({ vsn: "2.0.0" });
  });

  it("connects to /release_socket when HUB_MODE is release", async () => {
    const transporter = harness.transporter({ env: { HUB_MODE: "release" } });

    await transporter.connect("release_plugin:url__production__1.0.0");

    expect(harness.hub.connections[0]).toMatchObject({
      mode: "release",
      params: { vsn: "2.0.0", api_key: API_KEY },
    });
  });

  it("ignores trailing slashes in HUB_WS_URL", async () => {
    const transporter = harness.transporter({
      env: { HUB_WS_URL: `${harness.hub.url}//` },
    });

    await transporter.connect(TOPIC);

    expect(harness.hub.connections[0]).toMatchObject({
      mode: "debug",
      topics: [TOPIC],
    });
  });
});
