/**
 * `npm run bench`: runs the workloads on each client side by side and
 * prints one markdown table per workload and figure, also written to
 * bench/results.md.
 *
 * It starts the bench server in a child process, then runs every cell
 * (workload variant × client) one after another, each in a process of
 * its own, so that two measurements never share a CPU, a heap or a JIT.
 * A cell that fails becomes an error row; a client without an adapter
 * becomes a row of "—". The server is stopped at the end whatever
 * happened. Progress goes to stderr, tables to stdout.
 *
 * @example
 * // npm run bench -- --only a,b --quick
 */
import { writeFile } from "node:fs/promises";
import { cpus } from "node:os";

import { runCellProcess } from "./cell-process.js";
import type { CellOutcome } from "./cell-protocol.js";
import { type ClientName, hasClientModule } from "./clients/registry.js";
import { type BenchOptions, parseBenchOptions, USAGE } from "./options.js";
import {
  renderHeader,
  renderWorkload,
  type VariantResult,
  type WorkloadResult,
} from "./report.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import type { Variant, Workload } from "./workloads/types.js";

const PROCESS_START_ALLOWANCE_MS = 20_000;

async function main(): Promise<void> {
  const options = readOptionsOrExit();
  const startedAt = new Date();
  const server = await startServerProcess();

  let results: WorkloadResult[];
  try {
    results = await runWorkloads(options, server);
  } finally {
    await server.stop();
  }

  const markdown = [
    renderHeader({
      settings: options.settings,
      clients: options.clients,
      startedAt,
      elapsedMs: Date.now() - startedAt.getTime(),
      machine: describeMachine(),
    }),
    ...results.map((result) => renderWorkload(result, options.clients)),
  ].join("\n");

  process.stdout.write(`\n${markdown}`);
  await writeFile(options.outPath, markdown);
  process.stderr.write(`bench: tables written to ${options.outPath}\n`);
}

async function runWorkloads(
  options: BenchOptions,
  server: ServerProcess,
): Promise<WorkloadResult[]> {
  const results: WorkloadResult[] = [];

  for (const workload of options.workloads) {
    const variants: VariantResult[] = [];
    for (const variant of workload.variants(options.settings)) {
      const outcomes = await runVariant(options, server, workload, variant);
      variants.push({ variant, outcomes });
    }

    results.push({ workload, variants });
  }

  return results;
}

/**
 * Every client on one variant: one cell each, or, for an interleaved
 * workload, one cell per measured run with the clients taking turns.
 */
async function runVariant(
  options: BenchOptions,
  server: ServerProcess,
  workload: Workload,
  variant: Variant,
): Promise<Map<ClientName, CellOutcome>> {
  const { settings } = options;
  const rounds = workload.interleaved
    ? (workload.runCount?.(settings) ?? settings.runs)
    : 1;
  const cellOptions = workload.interleaved
    ? { ...options, settings: { ...settings, runs: 1, streamRuns: 1 } }
    : options;
  const outcomes = new Map<ClientName, CellOutcome>();

  for (let round = 0; round < rounds; round += 1) {
    for (const client of options.clients) {
      const outcome = await runCell(
        cellOptions,
        server,
        workload,
        variant,
        client,
      );
      outcomes.set(client, mergeOutcomes(outcomes.get(client), outcome));
    }
  }

  return outcomes;
}

/** One client's outcomes of several rounds as one: the samples of all. */
function mergeOutcomes(
  earlier: CellOutcome | undefined,
  latest: CellOutcome,
): CellOutcome {
  if (earlier === undefined || earlier.status !== "ok")
    return earlier ?? latest;
  if (latest.status !== "ok") return latest;

  return {
    status: "ok",
    samples: [...earlier.samples, ...latest.samples],
    peakRssMiB: Math.max(earlier.peakRssMiB, latest.peakRssMiB),
  };
}

async function runCell(
  options: BenchOptions,
  server: ServerProcess,
  workload: Workload,
  variant: Variant,
  client: ClientName,
): Promise<CellOutcome> {
  const name = `${workload.id} ${variant.label} ${client}`;
  if (!hasClientModule(client)) {
    process.stderr.write(`bench: ${name}: no adapter, skipped\n`);
    return { status: "missing" };
  }

  const { settings } = options;
  const maxRunMs = workload.maxRunMs(variant.params, settings);
  const timeoutMs =
    settings.cellBudgetMs + 2 * maxRunMs + PROCESS_START_ALLOWANCE_MS;

  const startedAt = performance.now();
  const outcome = await runCellProcess(
    {
      workloadId: workload.id,
      variantId: variant.id,
      client,
      socketUrl: server.socketUrl,
      settings,
    },
    timeoutMs,
  );

  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const status =
    outcome.status === "error" ? `error: ${outcome.message}` : "ok";
  process.stderr.write(`bench: ${name}: ${status} (${seconds} s)\n`);
  return outcome;
}

function readOptionsOrExit(): BenchOptions {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2), process.env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: ${message}\n\n${USAGE}\n`);
    process.exit(2);
  }

  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }

  return options;
}

function describeMachine(): string {
  const processors = cpus();
  const model = processors[0]?.model.trim() ?? "unknown CPU";

  return `${model}, ${processors.length} cores, Node.js ${process.version}`;
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`bench: ${message}\n`);
  process.exitCode = 1;
});
