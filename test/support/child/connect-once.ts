/**
 * A plugin process that tries to join once and does nothing else: on
 * success it prints `joined <topic>` and disposes; on failure it prints
 * `rejected <name>: <message>` and returns without calling exit, so the
 * process only ends if the transporter left nothing open.
 */
import { createTransporter } from "../../../src/transporter.js";
import { childOptions, childTopic } from "./child-options.js";

const topic = childTopic();
const transporter = createTransporter(childOptions());

try {
  const { dispose } = await transporter.connect(topic);
  process.stdout.write(`joined ${topic}\n`);
  await dispose();
} catch (error) {
  const { name, message } = error as Error;
  process.stdout.write(`rejected ${name}: ${message}\n`);
}
