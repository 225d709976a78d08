/**
 * Demo: the official phoenix.js client talks to the Atomemo test hub.
 *
 * Starts the hub in-process, joins `debug_plugin:demo`, registers the
 * plugin, answers an `invoke_tool` request from the hub, makes a hub call,
 * leaves, and closes everything. Run with `npx tsx examples/demo-phoenix.ts`.
 */
import { type Channel, Socket, type SocketConnectOption } from "phoenix";
import WebSocket from "ws";
import { type RecordedFrame, startHub } from "../src/hub/index.js";

const TOPIC = "debug_plugin:demo";
const API_KEY = "demo-key";
// Answers and hub calls get no phx_reply, yet phoenix.js arms a reply timer
// for every push (10 s by default) that keeps Node alive; a short timeout
// lets the demo exit promptly.
const NO_REPLY_TIMEOUT_MS = 500;

function describeFrame(frame: RecordedFrame): string {
  const arrow = frame.direction === "in" ? "plugin → hub" : "hub → plugin";
  const header = [frame.joinRef, frame.ref, frame.topic, frame.event];
  const payload = frame.binary ? "<binary>" : JSON.stringify(frame.payload);
  return `  ${arrow}  ${JSON.stringify(header)} ${payload}`;
}

function reply(channel: Channel, event: string, payload: object) {
  return new Promise<unknown>((resolve, reject) => {
    channel
      .push(event, payload)
      .receive("ok", resolve)
      .receive("error", (response) =>
        reject(new Error(JSON.stringify(response))),
      )
      .receive("timeout", () => reject(new Error(`${event} timed out`)));
  });
}

function joined(channel: Channel) {
  return new Promise<unknown>((resolve, reject) => {
    channel
      .join()
      .receive("ok", resolve)
      .receive("error", (response) =>
        reject(new Error(JSON.stringify(response))),
      )
      .receive("timeout", () => reject(new Error("join timed out")));
  });
}

async function main(): Promise<void> {
  const hub = await startHub({
    apiKeys: API_KEY,
    hubCallHandler: (name, data) => ({ called: name, with: data }),
  });
  const frameLog = hub.frames$.subscribe((frame) => {
    if (frame.topic !== "phoenix") console.log(describeFrame(frame));
  });
  console.log(`hub listening on ${hub.url}`);

  const socket = new Socket(`${hub.url}/debug_socket`, {
    transport: WebSocket as unknown as SocketConnectOption["transport"],
    params: { api_key: API_KEY },
  });
  socket.connect();
  const channel = socket.channel(TOPIC, {});

  console.log(`\njoining ${TOPIC}`);
  await joined(channel);

  console.log("\nregistering the plugin");
  await reply(channel, "register_plugin", { name: "demo", tools: ["echo"] });

  console.log("\nthe hub invokes the echo tool");
  channel.on("invoke_tool", ({ request_id, data }) => {
    channel.push(
      "invoke_tool_response",
      { request_id, data: { echo: data } },
      NO_REPLY_TIMEOUT_MS,
    );
  });
  const result = await hub.request(TOPIC, "invoke_tool", {
    tool_name: "echo",
    parameters: { text: "hello" },
  });
  console.log(`  → hub got ${JSON.stringify(result)}`);

  console.log("\nthe plugin calls the hub");
  const answer = new Promise((resolve) =>
    channel.on("hub_call_response", resolve),
  );
  channel.push(
    "hub_call:get_time",
    { request_id: "call-1", data: {} },
    NO_REPLY_TIMEOUT_MS,
  );
  console.log(`  → plugin got ${JSON.stringify(await answer)}`);

  console.log("\nleaving");
  channel.leave();
  await hub.waitForFrame((frame) => frame.event === "phx_close");

  await new Promise<void>((resolve) => socket.disconnect(resolve));
  frameLog.unsubscribe();
  await hub.close();
  console.log("\ndone: hub closed, socket disconnected");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
