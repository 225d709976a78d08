/**
 * Workload b: sequential push → reply latency. The client pushes `echo`,
 * waits for its `phx_reply`, and only then pushes the next one.
 *
 * This is the cost of one request/response through the whole client
 * (ref, encode, send, receive, decode, match the reply) with nothing
 * else in flight, as in a hub call made one at a time. Reported as the
 * p50 and p99 of one run, in microseconds.
 */
import { formatCount } from "../format.js";
import { percentileOfSorted } from "../stats.js";
import { withJoinedClient } from "./session.js";
import type { RunContext, RunSample, Workload } from "./types.js";

const TOPIC = "bench:latency";

async function run(context: RunContext): Promise<RunSample> {
  const count = context.params.count as number;
  const latenciesUs = new Float64Array(count);

  await withJoinedClient(
    context.createClient,
    context.socketUrl,
    [TOPIC],
    async (client) => {
      for (let index = 0; index < count; index += 1) {
        const startedAt = performance.now();
        await client.push(TOPIC, "echo", { index, text: "ping" });
        latenciesUs[index] = (performance.now() - startedAt) * 1000;
      }
    },
  );

  latenciesUs.sort();
  return {
    metrics: {
      p50Us: percentileOfSorted(latenciesUs, 50),
      p99Us: percentileOfSorted(latenciesUs, 99),
    },
  };
}

/**
 * Workload b, 5 000 sequential pushes (quick: 1 000).
 *
 * @example
 * const sample = await replyLatency.run(context);
 * sample.metrics.p99Us;
 */
export const replyLatency: Workload = {
  id: "b",
  title: "b. sequential push → reply latency",
  description:
    "One `echo` push at a time, each awaiting its phx_reply; " +
    "p50 and p99 of one run in µs.",
  metrics: [
    { key: "p50Us", label: "p50 µs", better: "lower" },
    { key: "p99Us", label: "p99 µs", better: "lower" },
  ],
  variants: (settings) => {
    const count = settings.quick ? 1_000 : 5_000;
    const label = `${formatCount(count)} round trips`;

    return [{ id: String(count), label, params: { count } }];
  },
  // A tail percentile needs the whole path compiled and the heap settled,
  // for every client alike: after a warm-up of one run's length, the
  // first measured run's p99 was still 1.5 to 4 times the later ones',
  // raw ws's included. Four runs' worth of round trips settle it.
  warmup: (params) => ({ count: 4 * (params.count as number) }),
  maxRunMs: () => 60_000,
  run,
};
