/**
 * Runs one of the plugin scripts of this folder as a real Node process
 * (`node --import tsx <script>`), with an environment built from scratch,
 * and lets a test await its printed lines and its exit code. Whatever the
 * process is meant to do with `process.exit` and stderr is then observed
 * as it really happens.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** How long a child may run before it counts as hung and is killed. */
export const CHILD_TIMEOUT_MS = 8_000;

/** How long a test waits for one line. */
export const LINE_WAIT_MS = 5_000;

const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** How a child ended. */
export interface ChildExit {
  /** The exit code, or null when killed by a signal (e.g. as hung). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string[];
  stderr: string[];
}

/** A running child plugin. */
export interface PluginChild {
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** Resolves with the first stderr line matching, bounded. */
  waitForStderr(pattern: RegExp): Promise<string>;
  /** Resolves with the first stdout line matching, bounded. */
  waitForStdout(pattern: RegExp): Promise<string>;
  /** Writes one command line to the child's stdin. */
  send(command: string): void;
  /** Resolves when the child ends (killed after {@link CHILD_TIMEOUT_MS}). */
  readonly exited: Promise<ChildExit>;
}

/**
 * Starts `test/support/child/<script>` with exactly `env` (plus PATH), so
 * that NODE_ENV and the like never leak in from the test runner.
 *
 * @example
 * const child = startChild("connect-and-dispose.ts", { HUB_WS_URL: url });
 * await child.waitForStdout(/^joined /);
 * child.send("dispose");
 * expect((await child.exited).code).toBe(0);
 */
export function startChild(
  script: string,
  env: Record<string, string>,
): PluginChild {
  const scriptPath = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", scriptPath], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stdout = collectLines(child, "stdout");
  const stderr = collectLines(child, "stderr");
  const exited = exitOf(child, stdout.lines, stderr.lines);

  return {
    stdout: stdout.lines,
    stderr: stderr.lines,
    waitForStderr: (pattern) => stderr.waitFor(pattern, exited),
    waitForStdout: (pattern) => stdout.waitFor(pattern, exited),
    send: (command) => {
      child.stdin?.write(`${command}\n`);
    },
    exited,
  };
}

/**
 * Runs a child to its end.
 *
 * @example
 * const { code, stderr } = await runChild("connect-once.ts", env);
 */
export function runChild(
  script: string,
  env: Record<string, string>,
): Promise<ChildExit> {
  return startChild(script, env).exited;
}

interface LineCollector {
  lines: string[];
  waitFor(pattern: RegExp, exited: Promise<ChildExit>): Promise<string>;
}

function collectLines(
  child: ChildProcess,
  stream: "stdout" | "stderr",
): LineCollector {
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let partial = "";

  child[stream]?.setEncoding("utf8");
  child[stream]?.on("data", (chunk: string) => {
    const parts = `${partial}${chunk}`.split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    for (const listener of [...listeners]) listener();
  });
  child[stream]?.on("end", () => {
    if (partial !== "") lines.push(partial);
    partial = "";
  });

  const waitFor = (pattern: RegExp, exited: Promise<ChildExit>) =>
    new Promise<string>((resolve, reject) => {
      const found = () => lines.find((line) => pattern.test(line));
      const settle = (line: string | undefined, why?: string) => {
        listeners.delete(check);
        clearTimeout(timer);
        if (line !== undefined) resolve(line);
        else
          reject(new Error(`${why}; ${stream} so far:\n${lines.join("\n")}`));
      };
      const check = () => {
        const line = found();
        if (line !== undefined) settle(line);
      };
      const timer = setTimeout(
        () => settle(undefined, `no ${stream} line matched ${pattern}`),
        LINE_WAIT_MS,
      );

      listeners.add(check);
      check();
      void exited.then(() => {
        if (listeners.has(check)) {
          settle(found(), `the child exited before printing ${pattern}`);
        }
      });
    });

  return { lines, waitFor };
}

function exitOf(
  child: ChildProcess,
  stdout: string[],
  stderr: string[],
): Promise<ChildExit> {
  return new Promise((resolve) => {
    const hung = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);

    child.once("close", (code, signal) => {
      clearTimeout(hung);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
