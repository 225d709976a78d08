/**
 * Workload f: the Atomemo pattern. The server sends `invoke_tool
 * {request_id, data}` at a steady rate, and the client answers each with
 * `invoke_tool_response {request_id, data}`, a push that gets no reply.
 *
 * The figure is the client's CPU time per request (process.cpuUsage over
 * the stream, divided by the requests), which is what a plugin pays to
 * keep up; each cell runs in its own process, so all of that CPU is the
 * client's. The server checks every response off by request id, and a
 * run in which any response is missing, duplicated or unknown fails.
 *
 * phoenix.js has no push without a reply: each response keeps a reply
 * binding and a 10 s timer. The bindings pile up during a run and slow
 * its dispatch (that is measured), but most timers fire after the
 * measured window ends, so its figure leaves out part of what it would
 * pay in a stream that never stops.
 */
import { formatCount } from "../format.js";
import type { StreamReport } from "../server/stream.js";
import { nextEvent, withJoinedClient } from "./session.js";
import type { RunContext, RunSample, Workload } from "./types.js";

const TOPIC = "release_plugin:bench__production__1.0.0";
const TOOL_RESULT = {
  content: [{ type: "text", text: "3 documents matched the query" }],
  is_error: false,
};

async function run(context: RunContext): Promise<RunSample> {
  const rate = context.params.rate as number;
  const durationMs = context.params.durationMs as number;

  return withJoinedClient(
    context.createClient,
    context.socketUrl,
    [TOPIC],
    async (client) => {
      let handled = 0;
      client.onEvent(TOPIC, "invoke_tool", (payload) => {
        const { request_id } = payload as { request_id: string };
        handled += 1;

        client.pushNoReply(TOPIC, "invoke_tool_response", {
          request_id,
          data: TOOL_RESULT,
        });
      });
      const done = nextEvent(client, TOPIC, "bench:stream_done");

      const cpuBefore = process.cpuUsage();
      const startedAt = performance.now();
      await client.push(TOPIC, "bench:stream", { rate, durationMs });
      const { sent } = (await done) as { sent: number };
      const cpu = process.cpuUsage(cpuBefore);
      const wallMs = performance.now() - startedAt;

      const report = await client.push(TOPIC, "bench:stream_report", {});
      checkReport(report as StreamReport, sent, handled);

      const cpuUs = cpu.user + cpu.system;
      return {
        metrics: {
          cpuUsPerRequest: cpuUs / sent,
          cpuPercent: (cpuUs / 1000 / wallMs) * 100,
        },
      };
    },
  );
}

function checkReport(
  report: StreamReport,
  sent: number,
  handled: number,
): void {
  const { received, missing, duplicates, unknown } = report;
  const allAnswered =
    report.sent === sent &&
    handled === sent &&
    received === sent &&
    missing === 0 &&
    duplicates === 0 &&
    unknown === 0;

  if (!allAnswered) {
    throw new Error(
      `invoke_tool: server sent ${report.sent}, client handled ${handled}, ` +
        `server got ${received} responses (${missing} missing, ` +
        `${duplicates} duplicated, ${unknown} unknown)`,
    );
  }
}

/**
 * Workload f at 500, 2 000 and 4 000 requests/s, each rate for
 * `settings.streamDurationMs` (default 10 s, quick 1.5 s).
 *
 * @example
 * const sample = await invokeToolStream.run(context);
 * sample.metrics.cpuUsPerRequest;
 */
export const invokeToolStream: Workload = {
  id: "f",
  title: "f. invoke_tool → invoke_tool_response (Atomemo pattern)",
  description:
    "Server requests at a steady rate, each answered with a push that " +
    "gets no reply; client CPU time per request in µs " +
    "(every response checked off by the server).",
  metrics: [
    { key: "cpuUsPerRequest", label: "CPU µs/request", better: "lower" },
    {
      key: "cpuPercent",
      label: "CPU % of one core",
      better: "lower",
      overviewOnly: true,
    },
  ],
  variants: (settings) =>
    [500, 2_000, 4_000].map((rate) => ({
      id: String(rate),
      label: `${formatCount(rate)}/s`,
      params: { rate, durationMs: settings.streamDurationMs },
    })),
  runCount: (settings) => settings.streamRuns,
  interleaved: true,
  warmup: (params) => ({
    rate: params.rate as number,
    durationMs: Math.min(1_000, (params.durationMs as number) / 5),
  }),
  maxRunMs: (params) => (params.durationMs as number) + 30_000,
  run,
};
