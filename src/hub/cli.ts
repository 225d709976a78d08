#!/usr/bin/env node
/**
 * `atomemo-hub`: runs the test hub with its HTTP API until SIGINT/SIGTERM.
 * Logs readable lines to stdout; bad arguments exit with code 2.
 *
 * @example
 * // npx atomemo-hub --port 4000 --api-key dev-key
 * // 12:00:00.000 INFO  atomemo-hub ready url=ws://127.0.0.1:4000 …
 */
import pino from "pino";
import {
  CLI_USAGE,
  CliArgumentError,
  type CliCommand,
  parseCliArgs,
} from "./cli-args.js";
import { startHubWithHttp } from "./hub.js";
import { readableDestination } from "./log-format.js";

const EXIT_BAD_ARGUMENTS = 2;
const EXIT_START_FAILED = 1;

async function main(argv: string[]): Promise<void> {
  const command = parseOrExit(argv);
  if (!command) {
    return;
  }

  const logger = pino(
    { level: command.logLevel, base: undefined },
    readableDestination(process.stdout),
  );

  try {
    const hub = await startHubWithHttp({
      host: command.host,
      port: command.port,
      apiKeys: command.apiKeys,
      requestTimeoutMs: command.requestTimeoutMs,
      logger,
    });
    logger.info(
      {
        url: hub.url,
        socket: `${hub.url}/debug_socket/websocket?vsn=2.0.0`,
        http: hub.url.replace(/^ws:/, "http:"),
      },
      "atomemo-hub ready",
    );
    closeOnSignal(hub.close.bind(hub), logger);
  } catch (error) {
    logger.error({ error: String(error) }, "atomemo-hub failed to start");
    process.exitCode = EXIT_START_FAILED;
  }
}

function parseOrExit(
  argv: string[],
): Extract<CliCommand, { kind: "run" }> | undefined {
  try {
    const command = parseCliArgs(argv);
    if (command.kind === "help") {
      process.stdout.write(CLI_USAGE);
      return undefined;
    }
    return command;
  } catch (error) {
    if (!(error instanceof CliArgumentError)) {
      throw error;
    }
    process.stderr.write(`atomemo-hub: ${error.message}\n\n${CLI_USAGE}`);
    process.exitCode = EXIT_BAD_ARGUMENTS;
    return undefined;
  }
}

function closeOnSignal(close: () => Promise<void>, logger: pino.Logger) {
  let closing = false;

  // The handler stays installed: launchers such as npx and tsx forward the
  // signal they got, so a second one may follow, and without a handler it
  // would kill the process before the hub is closed.
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      return;
    }

    closing = true;
    logger.info({ signal }, "atomemo-hub shutting down");

    // Once the hub is closed nothing keeps the event loop alive, so the
    // process ends by itself with exit code 0.
    close().catch((error: unknown) => {
      logger.error({ error: String(error) }, "atomemo-hub failed to close");
      process.exitCode = EXIT_START_FAILED;
    });
  };

  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

void main(process.argv.slice(2));
