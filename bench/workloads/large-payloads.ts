/**
 * Workload d: 1 MiB payloads. The client pushes `echo` with a 1 MiB
 * string, the server returns it in the reply, and the next push waits for
 * that reply.
 *
 * This is the cost of encoding and decoding big frames (a tool result
 * carrying a document, say), where per-message overheads no longer
 * matter and copies do. The server echoes the payload bytes without
 * parsing them. Reported as MiB carried per second, counting each
 * payload once although it travels both ways.
 */
import { formatCount } from "../format.js";
import { withJoinedClient } from "./session.js";
import type { RunContext, RunSample, Workload } from "./types.js";

const TOPIC = "bench:large";
const MIB = 1024 * 1024;

async function run(context: RunContext): Promise<RunSample> {
  const roundTrips = context.params.roundTrips as number;
  const payloadBytes = context.params.payloadBytes as number;
  const document = makeDocument(payloadBytes);

  const elapsedMs = await withJoinedClient(
    context.createClient,
    context.socketUrl,
    [TOPIC],
    async (client) => {
      const startedAt = performance.now();
      for (let index = 0; index < roundTrips; index += 1) {
        const response = await client.push(TOPIC, "echo", { document });
        checkEcho(response, payloadBytes);
      }

      return performance.now() - startedAt;
    },
  );

  const mebibytes = (roundTrips * payloadBytes) / MIB;
  return { metrics: { mibPerSecond: (mebibytes / elapsedMs) * 1000 } };
}

/** Base64-like text: no JSON escaping, so every client pays the same. */
function makeDocument(bytes: number): string {
  const alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const block = Array.from({ length: 4096 }, (_, index) =>
    alphabet.charAt((index * 7919) % alphabet.length),
  ).join("");

  return block.repeat(Math.ceil(bytes / block.length)).slice(0, bytes);
}

function checkEcho(response: unknown, payloadBytes: number): void {
  const document = (response as { document?: unknown })?.document;

  if (typeof document !== "string" || document.length !== payloadBytes) {
    throw new Error(`echo of ${payloadBytes} bytes came back altered`);
  }
}

/**
 * Workload d, 50 round trips of 1 MiB (quick: 10).
 *
 * @example
 * const sample = await largePayloads.run(context);
 * sample.metrics.mibPerSecond;
 */
export const largePayloads: Workload = {
  id: "d",
  title: "d. 1 MiB payloads",
  description:
    "Sequential `echo` pushes of a 1 MiB string returned in the reply; " +
    "MiB per second (each payload counted once).",
  metrics: [{ key: "mibPerSecond", label: "MiB/s", better: "higher" }],
  variants: (settings) => {
    const roundTrips = settings.quick ? 10 : 50;
    const label = `${formatCount(roundTrips)} × 1 MiB`;

    return [
      {
        id: String(roundTrips),
        label,
        params: { roundTrips, payloadBytes: MIB },
      },
    ];
  },
  warmup: (params) => ({ ...params, roundTrips: 5 }),
  maxRunMs: () => 60_000,
  run,
};
