/**
 * Runs one cell (see `cell-protocol.ts`) in a child process and returns
 * its outcome. A cell that crashes, prints no outcome, or runs past its
 * time limit becomes an error outcome naming what happened; it never
 * throws, so one broken measurement cannot stop the benchmark.
 */
import { createInterface } from "node:readline";

import {
  type CellOutcome,
  type CellSpec,
  RESULT_MARKER,
} from "./cell-protocol.js";
import { spawnBenchScript, stopChild } from "./child-process.js";

/**
 * Spawns `bench/cell.ts` for `spec` and resolves with its outcome, or
 * with an error outcome after `timeoutMs`.
 *
 * @example
 * const outcome = await runCellProcess(spec, 120_000);
 * if (outcome.status === "ok") console.log(outcome.samples);
 */
export function runCellProcess(
  spec: CellSpec,
  timeoutMs: number,
): Promise<CellOutcome> {
  const child = spawnBenchScript(
    "bench/cell.ts",
    [JSON.stringify(spec)],
    ["--expose-gc"],
  );
  const lines = createInterface({
    input: child.stdout as NodeJS.ReadableStream,
  });

  return new Promise((resolve) => {
    let outcome: CellOutcome | undefined;
    const killTimer = setTimeout(() => {
      outcome = { status: "error", message: `no result after ${timeoutMs} ms` };
      void stopChild(child);
    }, timeoutMs);

    lines.on("line", (line) => {
      if (line.startsWith(RESULT_MARKER)) {
        outcome = JSON.parse(line.slice(RESULT_MARKER.length)) as CellOutcome;
      }
    });

    // "close", not "exit": it comes after stdout has been read to the end.
    child.once("close", (code, signal) => {
      clearTimeout(killTimer);
      const ending = signal ? `signal ${signal}` : `code ${code}`;
      resolve(
        outcome ?? {
          status: "error",
          message: `cell process ended (${ending}) without a result`,
        },
      );
    });
  });
}
