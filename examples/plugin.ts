/**
 * A plugin's side of the conversation, written the way the Atomemo SDK uses
 * the transporter: environment from HUB_WS_URL / HUB_DEBUG_API_KEY, the
 * seed's callbacks, `connect`, `push(...).receive(...)`, `on`/`off`, and
 * `dispose`. Run it against any hub: `npm start` runs it against the test
 * hub.
 */
import { createTransporter } from "../src/index.js";

const PLUGIN_NAME = "demo";

interface InvokeToolRequest {
  request_id: string;
  data: { tool_name: string; parameters: Record<string, unknown> };
}

/** Connects, registers, serves one tool and calls the hub once. */
export async function runPlugin(): Promise<{ dispose: () => Promise<void> }> {
  const transporter = createTransporter({
    heartbeatIntervalMs: 30_000,
    onOpen: () => console.log("plugin: connection established"),
    onClose: (event) =>
      console.log(`plugin: connection closed (${event.code})`),
    onError: (error, transport, connections) =>
      console.error(
        `plugin: error on ${transport} (${connections}):`,
        error.message,
      ),
  });

  const { channel, dispose } = await transporter.connect(
    `debug_plugin:${PLUGIN_NAME}`,
  );
  console.log(`plugin: joined ${channel.topic}`);

  await new Promise<void>((resolve, reject) => {
    channel
      .push("register_plugin", { name: PLUGIN_NAME, tools: ["add"] })
      .receive("ok", () => {
        console.log("plugin: registered");
        resolve();
      })
      .receive("error", (response) =>
        reject(new Error(JSON.stringify(response))),
      )
      .receive("timeout", () => reject(new Error("register_plugin timed out")));
  });

  channel.on("invoke_tool", (request: InvokeToolRequest) => {
    const { a = 0, b = 0 } = request.data.parameters as {
      a?: number;
      b?: number;
    };
    console.log(`plugin: invoke_tool ${request.data.tool_name}(${a}, ${b})`);
    channel.push("invoke_tool_response", {
      request_id: request.request_id,
      data: { sum: a + b },
    });
  });

  try {
    const answer = await callHub(channel, "get_time", {});
    console.log("plugin: hub_call answered", JSON.stringify(answer));
  } catch (error) {
    // A hub without a handler for the call (the CLI hub) answers with
    // hub_call_error; the plugin goes on serving.
    console.log("plugin: hub_call failed:", (error as Error).message);
  }

  return { dispose };
}

/**
 * A hub call matched by request_id, with `on` and `off`: resolves with the
 * `hub_call_response`'s data, rejects with the `hub_call_error`'s error.
 */
function callHub(
  channel: Awaited<
    ReturnType<ReturnType<typeof createTransporter>["connect"]>
  >["channel"],
  name: string,
  data: unknown,
): Promise<unknown> {
  const requestId = `call-${Date.now()}`;

  return new Promise((resolve, reject) => {
    const stopListening = () => {
      channel.off("hub_call_response", responseRef);
      channel.off("hub_call_error", errorRef);
    };
    const responseRef = channel.on("hub_call_response", (payload) => {
      if (payload.request_id !== requestId) return;
      stopListening();
      resolve(payload.data);
    });
    const errorRef = channel.on("hub_call_error", (payload) => {
      if (payload.request_id !== requestId) return;
      stopListening();
      const { code, message } = payload.error ?? {};
      reject(new Error(`${code}: ${message}`));
    });
    channel
      .push(`hub_call:${name}`, { request_id: requestId, data })
      .receive("error", (response) =>
        reject(new Error(JSON.stringify(response))),
      );
  });
}
