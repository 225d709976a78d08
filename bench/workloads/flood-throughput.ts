/**
 * Workload a: server → client throughput. The server pushes a burst of
 * ~200-byte messages to one joined channel; the client counts them.
 *
 * This is the receive path on its own (decode, route to the channel,
 * call the handler), which is what a plugin does for every hub request.
 * Timed from the `bench:flood` push to the `bench:flood_done` push that
 * follows the last message.
 */
import type { BenchClient } from "../clients/types.js";
import { formatCount } from "../format.js";
import { nextEvent, withJoinedClient } from "./session.js";
import type { RunContext, RunSample, Workload } from "./types.js";

const TOPIC = "bench:flood";
const MESSAGE_BYTES = 200;

/**
 * Floods `topic` with `count` messages and returns the elapsed
 * milliseconds; throws if not every message arrived. Shared with the
 * dispatch workload (e).
 *
 * @example
 * const ms = await timeFlood(client, "bench:a", 10_000, 200);
 */
export async function timeFlood(
  client: BenchClient,
  topic: string,
  count: number,
  bytes: number,
): Promise<number> {
  let received = 0;
  const stopCounting = client.onEvent(topic, "bench:msg", () => {
    received += 1;
  });
  const done = nextEvent(client, topic, "bench:flood_done");

  const startedAt = performance.now();
  await client.push(topic, "bench:flood", { count, bytes });
  await done;
  const elapsedMs = performance.now() - startedAt;

  stopCounting();
  if (received !== count) {
    throw new Error(`${topic}: received ${received} of ${count} messages`);
  }

  return elapsedMs;
}

async function run(context: RunContext): Promise<RunSample> {
  const count = context.params.count as number;

  const elapsedMs = await withJoinedClient(
    context.createClient,
    context.socketUrl,
    [TOPIC],
    (client) => timeFlood(client, TOPIC, count, MESSAGE_BYTES),
  );

  return { metrics: { messagesPerSecond: (count / elapsedMs) * 1000 } };
}

/**
 * Workload a, 200 000 pushes (quick: 50 000).
 *
 * @example
 * const sample = await floodThroughput.run(context);
 * sample.metrics.messagesPerSecond;
 */
export const floodThroughput: Workload = {
  id: "a",
  title: "a. server → client throughput",
  description:
    "Server pushes of ~200 bytes to one joined channel, " +
    "timed from the trigger to the last one handled.",
  metrics: [
    { key: "messagesPerSecond", label: "messages/s", better: "higher" },
  ],
  variants: (settings) => {
    const count = settings.quick ? 50_000 : 200_000;

    const label = `${formatCount(count)} pushes`;

    return [{ id: String(count), label, params: { count } }];
  },
  // The receive path needs about 150 000 messages before the JIT settles.
  warmup: (params) => params,
  maxRunMs: () => 60_000,
  run,
};
