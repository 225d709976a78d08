/**
 * The benchmark's command line and environment, turned into settings.
 *
 * | flag                | env                 | default (quick)        |
 * | ------------------- | ------------------- | ---------------------- |
 * | `--only a,c`        | `BENCH_ONLY`        | all workloads, a–f     |
 * | `--clients x,y`     | `BENCH_CLIENTS`     | all four clients       |
 * | `--quick`           | `BENCH_QUICK=1`     | off                    |
 * | `--runs n`          | `BENCH_RUNS`        | 5 (3)                  |
 * | `--stream-runs n`   | `BENCH_STREAM_RUNS` | 3 (1)                  |
 * | `--duration-ms n`   | `BENCH_DURATION_MS` | 10 000 (1 500)         |
 * | `--budget-ms n`     | `BENCH_BUDGET_MS`   | 30 000 (10 000)        |
 * | `--out path`        | `BENCH_OUT`         | bench/results.md       |
 *
 * A flag wins over its environment variable.
 */
import { parseArgs } from "node:util";

import {
  CLIENT_NAMES,
  type ClientName,
  isClientName,
} from "./clients/registry.js";
import { WORKLOADS, workloadById } from "./workloads/index.js";
import type { BenchSettings, Workload } from "./workloads/types.js";

/** Everything the runner needs to know from the command line. */
export interface BenchOptions {
  help: boolean;
  workloads: Workload[];
  clients: ClientName[];
  settings: BenchSettings;
  /** Where the markdown tables are written, relative to the project. */
  outPath: string;
}

/** What `--help` prints. */
export const USAGE = `Usage: npm run bench -- [options]

  --only a,b,...       workloads to run (a-f; default all)
  --clients x,y        clients to run (${CLIENT_NAMES.join(", ")})
  --quick              small sizes, short streams: a smoke run (~1 min)
  --runs n             measured runs per cell (default 5, quick 3)
  --stream-runs n      measured runs per rate of workload f (3, quick 1),
                       each in a cell process of its own, clients in turn
  --duration-ms n      duration of each rate of workload f (10000, quick 1500)
  --budget-ms n        stop repeating a cell after this long (30000, 10000)
  --out path           markdown output (default bench/results.md)
  --help               this text

Each flag has an environment variable: BENCH_ONLY, BENCH_CLIENTS,
BENCH_QUICK=1, BENCH_RUNS, BENCH_STREAM_RUNS, BENCH_DURATION_MS,
BENCH_BUDGET_MS, BENCH_OUT.`;

/**
 * Reads `args` (argv after the script) and `env`; throws a message that
 * names the bad flag or value.
 *
 * @example
 * parseBenchOptions(["--only", "a,b", "--quick"], process.env);
 */
export function parseBenchOptions(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): BenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      only: { type: "string" },
      clients: { type: "string" },
      quick: { type: "boolean" },
      runs: { type: "string" },
      "stream-runs": { type: "string" },
      "duration-ms": { type: "string" },
      "budget-ms": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
  });

  const quick = values.quick ?? env.BENCH_QUICK === "1";
  const pick = (flag: string, variable: string, normal: number) => {
    const text =
      (values[flag as keyof typeof values] as string) ?? env[variable];

    return positiveInteger(text, `--${flag} (${variable})`, normal);
  };

  return {
    help: values.help ?? false,
    workloads: parseWorkloads(values.only ?? env.BENCH_ONLY),
    clients: parseClients(values.clients ?? env.BENCH_CLIENTS),
    settings: {
      quick,
      runs: pick("runs", "BENCH_RUNS", quick ? 3 : 5),
      streamRuns: pick("stream-runs", "BENCH_STREAM_RUNS", quick ? 1 : 3),
      streamDurationMs: pick(
        "duration-ms",
        "BENCH_DURATION_MS",
        quick ? 1_500 : 10_000,
      ),
      cellBudgetMs: pick(
        "budget-ms",
        "BENCH_BUDGET_MS",
        quick ? 10_000 : 30_000,
      ),
    },
    outPath: values.out ?? env.BENCH_OUT ?? "bench/results.md",
  };
}

function parseWorkloads(list: string | undefined): Workload[] {
  if (!list) {
    return [...WORKLOADS];
  }

  const ids = splitList(list);
  return WORKLOADS.filter((workload) => ids.includes(workload.id)).concat(
    // Unknown ids throw here, naming the known ones.
    ids.filter((id) => !WORKLOADS.some((w) => w.id === id)).map(workloadById),
  );
}

function parseClients(list: string | undefined): ClientName[] {
  if (!list) {
    return [...CLIENT_NAMES];
  }

  const names = splitList(list);
  for (const name of names) {
    if (!isClientName(name)) {
      const known = CLIENT_NAMES.join(", ");
      throw new Error(`unknown client "${name}" (known: ${known})`);
    }
  }

  return CLIENT_NAMES.filter((name) => names.includes(name));
}

function positiveInteger(
  text: string | undefined,
  name: string,
  fallback: number,
): number {
  if (text === undefined || text === "") {
    return fallback;
  }

  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number >= 1, got "${text}"`);
  }

  return value;
}

function splitList(list: string): string[] {
  return list
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
