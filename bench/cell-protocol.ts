/**
 * What the runner and a cell process say to each other. A cell is one
 * workload variant measured on one client, in a process of its own: a
 * fresh heap and JIT for every client, CPU time that belongs to that
 * client alone, and a hung or crashed client that cannot take the run
 * down with it.
 *
 * The runner passes a `CellSpec` as JSON in argv; the cell prints one
 * line `RESULT_MARKER + JSON(CellOutcome)` on stdout.
 */
import type { ClientName } from "./clients/registry.js";
import type { BenchSettings, RunSample } from "./workloads/types.js";

/** The start of the stdout line that carries the cell's outcome. */
export const RESULT_MARKER = "BENCH_CELL_RESULT ";

/** Which measurement a cell process makes. */
export interface CellSpec {
  workloadId: string;
  variantId: string;
  client: ClientName;
  socketUrl: string;
  settings: BenchSettings;
}

/** What came of one cell. */
export type CellOutcome =
  | {
      status: "ok";
      samples: RunSample[];
      /** Peak resident memory of the cell process, in MiB. */
      peakRssMiB: number;
    }
  | { status: "error"; message: string }
  | { status: "missing" };
