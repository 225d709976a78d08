import { createServer } from "node:net";
import { expect, it } from "vitest";
import { startHub } from "../../src/hub/index.js";
import { connectRaw } from "./support/raw-client.js";

// Its own file, so no socket of another test is still closing when the
// handles are counted.

const TOPIC = "debug_plugin:demo";

function networkAndTimerHandles(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((name) => name.startsWith("TCP") || name === "Timeout")
    .sort();
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

it("close leaves no open handle and frees the port", async () => {
  const before = networkAndTimerHandles();
  const hub = await startHub({ hubCallHandler: () => new Promise(() => {}) });
  const client = await connectRaw(hub);
  const jr = await client.join(TOPIC);
  hub.setReplyDelay(10_000);
  client.send([jr, "2", TOPIC, "ping", {}]);
  client.send([jr, "3", TOPIC, "hub_call:hang", { request_id: "r" }]);
  const pending = hub.request(TOPIC, "invoke_tool", {}).catch((e) => e);
  await hub.waitForFrame((f) => f.event === "hub_call:hang");

  const handlesWhileBusy = networkAndTimerHandles();
  await hub.close();
  await client.closed;

  expect(handlesWhileBusy.length).toBeGreaterThan(before.length);
  expect(await pending).toMatchObject({ name: "HubChannelClosedError" });
  expect(networkAndTimerHandles()).toEqual(before);
  expect(await portIsFree(hub.port)).toBe(true);
});
