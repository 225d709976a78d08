/**
 * Workload c: pipelined pushes. The client sends every `echo` push at
 * once, then waits for all the replies; the figure is the total time.
 *
 * This shows how the cost of matching a reply to its push grows with the
 * number of pushes in flight. phoenix.js registers one binding per push
 * and scans them all on every reply, so its total time grows with the
 * square of the count; a client with a map from ref to push stays linear.
 * Three counts are run so the growth can be seen, and every run stops at
 * the same cap for every client; a capped run is reported as such, with
 * the number of replies received by then.
 */
import type { BenchClient } from "../clients/types.js";
import { formatCount } from "../format.js";
import type { RunContext, RunSample, Workload } from "./types.js";

const TOPIC = "bench:pipeline";

/** How far one pipeline got: all replies, or as many as came by the cap. */
interface PipelineResult {
  replied: number;
  totalMs: number;
}

async function run(context: RunContext): Promise<RunSample> {
  const count = context.params.count as number;
  const capMs = context.params.capMs as number;
  const client = context.createClient();

  let abandoned = false;
  try {
    await client.connect(context.socketUrl);
    await client.join(TOPIC);

    const { replied, totalMs } = await pipeline(client, count, capMs);
    const metrics = { totalMs, usPerPush: (totalMs * 1000) / count };
    if (replied === count) {
      return { metrics };
    }

    // Closing would make the client handle every reply still queued, the
    // very work that hit the cap, for minutes. The cell ends after a
    // capped run, and its exit closes the socket.
    abandoned = true;
    const progress = `${formatCount(replied)} of ${formatCount(count)}`;
    return { metrics, capped: `${capMs / 1000} s cap: ${progress} replies` };
  } finally {
    if (!abandoned) {
      await client.close();
    }
  }
}

/**
 * Sends `count` echo pushes at once and resolves when all replies are in
 * or at `capMs`. The cap is checked on every reply as well as by a timer:
 * a client handling replies slowly can hold the event loop for many
 * seconds (libuv reads up to 32 socket buffers in one go), and a timer
 * alone would fire only when it lets go.
 */
function pipeline(
  client: BenchClient,
  count: number,
  capMs: number,
): Promise<PipelineResult> {
  return new Promise((resolve, reject) => {
    let replied = 0;
    let settled = false;
    const startedAt = performance.now();

    const finish = () => {
      if (!settled) {
        settled = true;
        clearTimeout(capTimer);
        resolve({ replied, totalMs: performance.now() - startedAt });
      }
    };
    const capTimer = setTimeout(finish, capMs);

    const onReply = () => {
      replied += 1;
      if (replied === count || performance.now() - startedAt > capMs) {
        finish();
      }
    };
    const onFailure = (error: unknown) => {
      if (!settled) {
        settled = true;
        clearTimeout(capTimer);
        reject(error);
      }
    };

    for (let index = 0; index < count; index += 1) {
      client.push(TOPIC, "echo", { index }).then(onReply, onFailure);
    }
  });
}

/**
 * Workload c at 25 000, 50 000 and 100 000 pushes, capped at 30 s
 * (quick: 5 000, 10 000, 20 000, capped at 10 s).
 *
 * @example
 * const sample = await pipelinedPushes.run(context);
 * sample.capped; // e.g. "30 s cap: 61 234 of 100 000 replies"
 */
export const pipelinedPushes: Workload = {
  id: "c",
  title: "c. pipelined pushes",
  description:
    "All `echo` pushes sent at once, then every reply awaited; total time. " +
    "Each run stops at the cap; a capped figure is a lower bound.",
  metrics: [
    { key: "totalMs", label: "total ms", better: "lower" },
    {
      key: "usPerPush",
      label: "µs per push",
      better: "lower",
      overviewOnly: true,
    },
  ],
  variants: (settings) => {
    const counts = settings.quick
      ? [5_000, 10_000, 20_000]
      : [25_000, 50_000, 100_000];
    const capMs = settings.quick ? 10_000 : 30_000;

    return counts.map((count) => ({
      id: String(count),
      label: `${formatCount(count)} pushes`,
      params: { count, capMs },
    }));
  },
  warmup: (params) => ({
    count: Math.ceil((params.count as number) / 10),
    capMs: params.capMs as number,
  }),
  maxRunMs: (params) => (params.capMs as number) + 30_000,
  run,
};
