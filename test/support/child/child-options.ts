/**
 * What a child plugin script reads besides the hub's own variables: the
 * topic to join and the transporter's timing options, as JSON.
 */
import type { TransporterOptions } from "../../../src/transporter.js";

/** The topic from CHILD_TOPIC. Default `debug_plugin:child`. */
export function childTopic(): string {
  return process.env.CHILD_TOPIC ?? "debug_plugin:child";
}

/** The options from CHILD_OPTIONS (JSON); numbers and arrays only. */
export function childOptions(): TransporterOptions {
  const json = process.env.CHILD_OPTIONS;

  return json === undefined ? {} : (JSON.parse(json) as TransporterOptions);
}

/** Calls `handle` with each command line the test writes to stdin. */
export function onCommand(handle: (command: string) => void): void {
  let partial = "";

  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    const parts = `${partial}${chunk}`.split("\n");
    partial = parts.pop() ?? "";
    for (const command of parts) handle(command.trim());
  });
}
