/**
 * Every workload, in the order the tables are printed, by command-line id.
 */
import { floodThroughput } from "./flood-throughput.js";
import { invokeToolStream } from "./invoke-tool-stream.js";
import { largePayloads } from "./large-payloads.js";
import { pipelinedPushes } from "./pipelined-pushes.js";
import { replyLatency } from "./reply-latency.js";
import { topicDispatch } from "./topic-dispatch.js";
import type { Workload } from "./types.js";

/**
 * All workloads, a to f.
 *
 * @example
 * WORKLOADS.map((workload) => workload.id); // ["a", "b", "c", "d", "e", "f"]
 */
export const WORKLOADS: readonly Workload[] = [
  floodThroughput,
  replyLatency,
  pipelinedPushes,
  largePayloads,
  topicDispatch,
  invokeToolStream,
];

/**
 * The workload with command-line id `id`; throws naming the known ids.
 *
 * @example
 * workloadById("c").title; // "c. pipelined pushes"
 */
export function workloadById(id: string): Workload {
  const workload = WORKLOADS.find((candidate) => candidate.id === id);
  if (!workload) {
    const known = WORKLOADS.map((candidate) => candidate.id).join(", ");
    throw new Error(`unknown workload "${id}" (known: ${known})`);
  }

  return workload;
}
