/**
 * `npm start`: a whole session between a plugin and the hub, in one process
 * and a few seconds. The test hub listens on 127.0.0.1; the plugin of
 * `plugin.ts` connects with this library, registers, answers an
 * `invoke_tool` from the hub, calls the hub, and disposes, which ends the
 * process with code 0.
 */
import { startHub } from "../src/hub/index.js";
import { runPlugin } from "./plugin.js";

const API_KEY = "demo-key";

async function main(): Promise<void> {
  const hub = await startHub({
    apiKeys: API_KEY,
    hubCallHandler: (name) => {
      console.log(`hub: hub_call:${name}`);
      return { now: new Date().toISOString() };
    },
  });
  console.log(`hub: listening on ${hub.url}`);

  process.env.HUB_WS_URL = hub.url;
  process.env.HUB_DEBUG_API_KEY = API_KEY;
  process.env.HUB_MODE ??= "debug";

  const { dispose } = await runPlugin();

  const result = await hub.request("debug_plugin:demo", "invoke_tool", {
    tool_name: "add",
    parameters: { a: 2, b: 3 },
  });
  console.log("hub: invoke_tool answered", JSON.stringify(result));

  console.log("plugin: disposing (leave, close, exit 0)");
  await dispose();
}

main().catch((error: unknown) => {
  console.error("demo failed:", error);
  process.exit(1);
});
