/**
 * The entry point of a cell process: measures one workload variant on
 * one client and prints the outcome for the runner (see
 * `cell-protocol.ts`). Spawned by `cell-process.ts` with `--expose-gc`, so
 * runs start from a collected heap and workload e can measure it.
 *
 * One unmeasured warm-up run comes first where the workload has one, so
 * the JIT has compiled the hot path. Then up to `runs` measured runs; a
 * capped run ends the cell (a second one would be capped too), and so
 * does the cell's time budget, after at least one run.
 *
 * A capped run may leave its client still busy with queued frames, so
 * from the end of a capped run to the exit nothing may wait for a timer
 * or I/O: the outcome is written and the process exits in the same turn.
 *
 * @example
 * // node --expose-gc --import tsx bench/cell.ts '{"workloadId":"a",…}'
 */
import {
  type CellOutcome,
  type CellSpec,
  RESULT_MARKER,
} from "./cell-protocol.js";
import { loadClient } from "./clients/registry.js";
import { workloadById } from "./workloads/index.js";
import type { RunContext, RunSample } from "./workloads/types.js";

async function runCell(spec: CellSpec): Promise<CellOutcome> {
  const workload = workloadById(spec.workloadId);
  const variant = workload
    .variants(spec.settings)
    .find((candidate) => candidate.id === spec.variantId);
  if (!variant) {
    throw new Error(`workload ${workload.id} has no variant ${spec.variantId}`);
  }

  const context: RunContext = {
    createClient: await loadClient(spec.client),
    socketUrl: spec.socketUrl,
    params: variant.params,
    settings: spec.settings,
  };

  const warmupParams = workload.warmup(variant.params);
  if (warmupParams) {
    const warmup = await workload.run({ ...context, params: warmupParams });
    if (warmup.capped) {
      throw new Error(`the warm-up run hit its cap (${warmup.capped})`);
    }
  }

  const runs = workload.runCount?.(spec.settings) ?? spec.settings.runs;
  const startedAt = performance.now();
  const samples: RunSample[] = [];
  while (samples.length < runs) {
    globalThis.gc?.();
    const sample = await workload.run(context);
    samples.push(sample);

    const overBudget =
      performance.now() - startedAt > spec.settings.cellBudgetMs;
    if (sample.capped || overBudget) {
      break;
    }
  }

  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  return { status: "ok", samples, peakRssMiB };
}

async function main(): Promise<void> {
  // Without a runner on the other end of stdin there is no one to report
  // to: stop rather than linger as an orphan.
  process.stdin.on("end", () => process.exit(1));
  process.stdin.resume();

  let outcome: CellOutcome;
  try {
    outcome = await runCell(JSON.parse(process.argv[2] ?? "") as CellSpec);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = { status: "error", message };
  }

  // Exit explicitly: a client may leave timers behind (phoenix.js keeps a
  // 10 s timer per push without reply), and the outcome is all we need.
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(outcome)}\n`);
  process.exit(0);
}

void main();
