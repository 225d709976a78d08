import { parseArgs } from "node:util";

/** Default port of the `atomemo-hub` command. */
export const CLI_DEFAULT_PORT = 4000;

/** What `atomemo-hub` was asked to do. */
export type CliCommand =
  | { kind: "help" }
  | {
      kind: "run";
      host: string | undefined;
      port: number;
      apiKeys: string[] | undefined;
      requestTimeoutMs: number | undefined;
      logLevel: string;
    };

/** A command line `atomemo-hub` cannot run; the CLI exits with code 2. */
export class CliArgumentError extends Error {
  /** Stable error code, always `"hub:cli_argument"`. */
  readonly code = "hub:cli_argument";

  constructor(message: string) {
    super(message);
    this.name = "CliArgumentError";
  }
}

/** The `--help` text. */
export const CLI_USAGE = `Usage: atomemo-hub [options]

Runs the Atomemo test hub: Phoenix Channels on
ws://<host>:<port>/<mode>_socket/websocket and an HTTP API on the same
port (GET /plugins, POST /invoke).

Options:
  --port <n>                 port to listen on (default ${CLI_DEFAULT_PORT};
                             0 = any free port)
  --host <address>           interface to listen on (default 127.0.0.1)
  --api-key <key>            key accepted on debug sockets; repeatable
                             (default: any key is accepted)
  --request-timeout-ms <n>   timeout of hub → plugin requests (default 10000)
  --log-level <level>        trace, debug, info, warn or error (default info)
  -h, --help                 show this help
`;

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error"];

/**
 * Parses the `atomemo-hub` arguments; throws `CliArgumentError` naming the
 * bad argument.
 *
 * @example
 * parseCliArgs(["--port", "4000", "--api-key", "k"]);
 * // → { kind: "run", port: 4000, apiKeys: ["k"], logLevel: "info", … }
 */
export function parseCliArgs(argv: string[]): CliCommand {
  const { values } = parseOrExplain(argv);

  if (values.help) {
    return { kind: "help" };
  }

  const logLevel = values["log-level"] ?? "info";
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new CliArgumentError(
      `--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`,
    );
  }

  return {
    kind: "run",
    host: values.host,
    port: parseInteger("--port", values.port, CLI_DEFAULT_PORT, 0, 65_535),
    apiKeys: values["api-key"],
    requestTimeoutMs: values["request-timeout-ms"]
      ? parseInteger(
          "--request-timeout-ms",
          values["request-timeout-ms"],
          0,
          1,
          Number.MAX_SAFE_INTEGER,
        )
      : undefined,
    logLevel,
  };
}

function parseOrExplain(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "api-key": { type: "string", multiple: true },
        "request-timeout-ms": { type: "string" },
        "log-level": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new CliArgumentError((error as Error).message);
  }
}

function parseInteger(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) {
    return fallback;
  }

  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new CliArgumentError(
      `${name} must be an integer ${min}-${max}, got "${text}"`,
    );
  }
  return value;
}
