/**
 * What a workload is, for the runner: a name, the figures it reports,
 * the variants it runs (sizes, rates), and one measured run.
 *
 * One run always uses a fresh client (connect, join, measure, close), so
 * runs do not inherit each other's bindings, buffers or garbage.
 */
import type { CreateBenchClient } from "../clients/types.js";

/** One figure a workload reports, e.g. messages per second. */
export interface MetricSpec {
  /** The key of the figure in `RunSample.metrics`. */
  key: string;
  /** What the figure is, for table titles, e.g. "server pushes/s". */
  label: string;
  /** Whether a larger figure is better (throughput) or worse (time). */
  better: "higher" | "lower";
  /** Only shown in the overview across variants, not in a table of its own. */
  overviewOnly?: boolean;
}

/** Parameters of one variant; numbers only, so they cross processes. */
export type VariantParams = Record<string, number>;

/** One size or rate a workload runs at. */
export interface Variant {
  /** Short id, unique within the workload, e.g. "25000". */
  id: string;
  /** Column or table label, e.g. "25 000 pushes". */
  label: string;
  params: VariantParams;
}

/** How the whole benchmark is set up: the CLI and environment decide. */
export interface BenchSettings {
  /** Smaller sizes and shorter durations, for a smoke run. */
  quick: boolean;
  /** Measured runs per cell (after one warm-up where the workload has one). */
  runs: number;
  /** Measured runs per rate of workload f, whose runs are long. */
  streamRuns: number;
  /** Stop repeating a cell once it has run this long (after one run). */
  cellBudgetMs: number;
  /** How long each rate of workload f lasts. */
  streamDurationMs: number;
}

/** What a single run gets. */
export interface RunContext {
  createClient: CreateBenchClient;
  socketUrl: string;
  params: VariantParams;
  settings: BenchSettings;
}

/** What a single run measured. */
export interface RunSample {
  /** One value per `MetricSpec.key`. */
  metrics: Record<string, number>;
  /**
   * Set when the run hit its cap and stopped: says what was done by then.
   * Every metric is then a bound, and the true value is worse.
   */
  capped?: string;
}

/** One workload, as the runner and the cell process see it. */
export interface Workload {
  /** The letter used on the command line, e.g. "a". */
  id: string;
  /** The table heading, e.g. "a. server → client throughput". */
  title: string;
  /** One or two sentences printed under the heading. */
  description: string;
  metrics: readonly MetricSpec[];
  variants(settings: BenchSettings): Variant[];
  /** How many measured runs a cell makes; `settings.runs` if absent. */
  runCount?(settings: BenchSettings): number;
  /**
   * Set for long runs whose figures drift with the machine's load: each
   * measured run is then a cell process of its own, and the clients take
   * turns (raw-ws, phoenix-js, …, raw-ws, phoenix-js, …), so that a slow
   * spell of the machine falls on every client alike.
   */
  interleaved?: boolean;
  /**
   * Parameters for an unmeasured warm-up run that lets the JIT compile
   * the hot path, or undefined for none.
   */
  warmup(params: VariantParams): VariantParams | undefined;
  /** The longest one run may take before the cell is killed as hung. */
  maxRunMs(params: VariantParams, settings: BenchSettings): number;
  run(context: RunContext): Promise<RunSample>;
}
