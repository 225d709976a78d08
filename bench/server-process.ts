/**
 * Starts `bench/server.ts` in a child process and waits for the URL it
 * prints, so the server's CPU time is never the client's.
 */
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

import { spawnBenchScript, stopChild } from "./child-process.js";

/** A running bench server. */
export interface ServerProcess {
  /** The WebSocket URL, e.g. `ws://127.0.0.1:40123/debug_socket/websocket`. */
  socketUrl: string;
  /** Stops the server and resolves once its process has exited. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;

/**
 * Spawns the bench server; rejects if it does not report its URL within
 * 15 s or exits first.
 *
 * @example
 * const server = await startServerProcess();
 * try { … server.socketUrl … } finally { await server.stop(); }
 */
export async function startServerProcess(): Promise<ServerProcess> {
  const child = spawnBenchScript("bench/server.ts", [], []);

  try {
    const socketUrl = await readSocketUrl(child);
    return { socketUrl, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

function readSocketUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({
      input: child.stdout as NodeJS.ReadableStream,
    });
    const fail = (reason: string) => {
      clearTimeout(startTimer);
      lines.close();
      reject(new Error(`bench server: ${reason}`));
    };
    const failOnExit = (code: number | null) =>
      fail(`exited with code ${code} at start`);
    const startTimer = setTimeout(
      () => fail(`no URL within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );

    child.once("exit", failOnExit);
    lines.once("line", (line) => {
      clearTimeout(startTimer);
      child.removeListener("exit", failOnExit);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
}
