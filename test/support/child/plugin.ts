/**
 * A plugin process written the way the Atomemo SDK uses the transporter:
 * environment from the process, default logger and default `exit`. It
 * joins, registers (when CHILD_REGISTER is set), answers `invoke_tool`
 * with `{ echoed: data }`, and disposes when the test writes `dispose` on
 * its stdin. Stdout gets one line per step: `joined`, `registered`.
 */
import { createTransporter } from "../../../src/transporter.js";
import { childOptions, childTopic, onCommand } from "./child-options.js";

const topic = childTopic();
const transporter = createTransporter(childOptions());
const { channel, dispose } = await transporter.connect(topic);
process.stdout.write(`joined ${topic}\n`);

channel.on("invoke_tool", (request) => {
  channel.push("invoke_tool_response", {
    request_id: request.request_id,
    data: { echoed: request.data },
  });
});

if (process.env.CHILD_REGISTER !== undefined) {
  channel
    .push("register_plugin", { name: process.env.CHILD_REGISTER })
    .receive("ok", () => process.stdout.write("registered\n"))
    .receive("error", (response) =>
      process.stdout.write(`register refused ${JSON.stringify(response)}\n`),
    );
}

onCommand((command) => {
  if (command === "dispose") void dispose();
});
