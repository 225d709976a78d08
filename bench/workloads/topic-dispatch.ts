/**
 * Workload e: the cost of many joined topics. Two figures per run:
 *
 * - dispatch: the same flood as workload a, to one topic, first on a
 *   client with that one topic joined, then on a client with 1 000
 *   joined topics (each with a handler). The difference is what routing
 *   by topic costs: phoenix.js asks every channel whether a message is
 *   its own, a map lookup does not care how many there are.
 * - memory: heap used after joining the 1 000 topics minus before, both
 *   after a full GC, divided by 1 000.
 */
import type { BenchClient } from "../clients/types.js";
import { formatCount } from "../format.js";
import { timeFlood } from "./flood-throughput.js";
import { withJoinedClient } from "./session.js";
import type { RunContext, RunSample, Workload } from "./types.js";

const TOPIC_PREFIX = "bench:dispatch:";
const MESSAGE_BYTES = 200;

async function run(context: RunContext): Promise<RunSample> {
  const count = context.params.count as number;
  const topicCount = context.params.topicCount as number;
  const floodedTopic = `${TOPIC_PREFIX}0`;

  const oneTopicMs = await withJoinedClient(
    context.createClient,
    context.socketUrl,
    [floodedTopic],
    (client) => timeFlood(client, floodedTopic, count, MESSAGE_BYTES),
  );

  const manyTopics = await withJoinedClient(
    context.createClient,
    context.socketUrl,
    [],
    async (client) => {
      const heapBytesPerTopic = await heapPerJoinedTopic(client, topicCount);
      const elapsedMs = await timeFlood(
        client,
        floodedTopic,
        count,
        MESSAGE_BYTES,
      );

      return { heapBytesPerTopic, elapsedMs };
    },
  );

  const nsOneTopic = (oneTopicMs * 1e6) / count;
  const nsManyTopics = (manyTopics.elapsedMs * 1e6) / count;
  return {
    metrics: {
      nsOneTopic,
      nsManyTopics,
      slowdown: nsManyTopics / nsOneTopic,
      heapBytesPerTopic: manyTopics.heapBytesPerTopic,
    },
  };
}

async function heapPerJoinedTopic(
  client: BenchClient,
  topicCount: number,
): Promise<number> {
  const topics = Array.from(
    { length: topicCount },
    (_, index) => `${TOPIC_PREFIX}${index}`,
  );

  const heapBefore = settledHeapUsed();
  await Promise.all(topics.map((topic) => client.join(topic)));
  for (const topic of topics) {
    client.onEvent(topic, "invoke_tool", () => undefined);
  }
  const heapAfter = settledHeapUsed();

  return (heapAfter - heapBefore) / topicCount;
}

function settledHeapUsed(): number {
  const collectGarbage = globalThis.gc;
  if (!collectGarbage) {
    throw new Error("workload e needs node --expose-gc to measure the heap");
  }

  // A second pass collects what the first one's finalizers released.
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/**
 * Workload e, 1 000 topics and floods of 100 000 messages
 * (quick: 20 000).
 *
 * @example
 * const sample = await topicDispatch.run(context);
 * sample.metrics.nsManyTopics / sample.metrics.nsOneTopic;
 */
export const topicDispatch: Workload = {
  id: "e",
  title: "e. dispatch with 1 000 joined topics vs 1, and heap per topic",
  description:
    "The flood of workload a to one topic while 1 or 1 000 topics are " +
    "joined (ns per message), and heap per joined topic after a full GC.",
  metrics: [
    { key: "nsOneTopic", label: "ns/message, 1 topic", better: "lower" },
    {
      key: "nsManyTopics",
      label: "ns/message, 1 000 topics",
      better: "lower",
    },
    { key: "slowdown", label: "1 000 topics ÷ 1 topic", better: "lower" },
    { key: "heapBytesPerTopic", label: "heap bytes/topic", better: "lower" },
  ],
  variants: (settings) => {
    const count = settings.quick ? 20_000 : 100_000;
    const topicCount = 1_000;
    const label = `${formatCount(count)} messages`;

    return [{ id: String(count), label, params: { count, topicCount } }];
  },
  warmup: (params) => params,
  maxRunMs: () => 90_000,
  run,
};
