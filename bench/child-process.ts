/**
 * Spawns the bench's child processes (the server and the cells) so that
 * none of them can outlive the runner: each gets a stdin pipe it watches
 * (it exits when the pipe closes, even if the runner is SIGKILLed), and
 * each is killed when the runner exits for any reason.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
const STOP_GRACE_MS = 2_000;

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) {
    child.kill("SIGKILL");
  }
});

/**
 * Starts `node [nodeFlags] --import tsx <script> [args]` from the project
 * root, with stdin and stdout piped and stderr shared with the runner.
 *
 * @example
 * const child = spawnBenchScript("bench/server.ts", [], []);
 */
export function spawnBenchScript(
  script: string,
  args: readonly string[],
  nodeFlags: readonly string[],
): ChildProcess {
  const child = spawn(
    process.execPath,
    [...nodeFlags, "--import", "tsx", script, ...args],
    { cwd: PROJECT_ROOT, stdio: ["pipe", "pipe", "inherit"] },
  );

  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/**
 * Asks `child` to stop by closing its stdin, then SIGKILLs it if it has
 * not exited within 2 s; resolves once it has exited.
 *
 * @example
 * await stopChild(server);
 */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }

  return new Promise((resolve) => {
    const killTimer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(killTimer);
      resolve();
    });

    child.stdin?.end();
  });
}
