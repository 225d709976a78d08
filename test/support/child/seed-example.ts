/**
 * The seed's example code for the transporter, run as a plugin process:
 * its `transporterOptions` as the seed's documentation writes them (set 1
 * is the "Internal Implementation" example, set 2 "Custom Connection
 * Handlers"; pick one with SEED_OPTIONS), then the calls the seed
 * documents on what `connect` returns: `push(event, payload)` and
 * `on(event, callback)` without using their results, and `dispose()`
 * without awaiting it, which ends the process. Only formatting differs
 * from the seed (this repository's quotes and semicolons). `dispose` is
 * called when the test writes `dispose` on stdin.
 */
import { createTransporter } from "../../../src/index.js";
import { onCommand } from "./child-options.js";

// Each call is the seed's `transporterOptions` object, unchanged.
const transporter =
  process.env.SEED_OPTIONS === "2"
    ? createTransporter({
        heartbeatIntervalMs: 60000,
        onOpen: () => {
          console.log("Connected to Atomemo Hub");
        },
        onMessage: (message) => {
          console.log("Message received:", JSON.stringify(message, null, 2));
        },
        onError: (error, transport, connections) => {
          console.error(
            `Error on ${transport} (${connections} connections):`,
            error,
          );
        },
      })
    : createTransporter({
        heartbeatIntervalMs: 30000,
        onOpen: () => console.log("Connection established"),
        onClose: () => console.log("Connection closed"),
      });
const { channel, dispose } = await transporter.connect(
  "debug_plugin:my-plugin",
);

channel.push("register_plugin", {
  name: "my-plugin",
  display_name: { en_US: "My Plugin" },
  description: { en_US: "My plugin description" },
});
channel.on("invoke_tool", (message) => {
  channel.push("invoke_tool_response", {
    request_id: message.request_id,
    data: { echoed: message.data },
  });
});

onCommand((command) => {
  if (command === "dispose") dispose();
});
