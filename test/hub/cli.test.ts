import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CLI_DEFAULT_PORT, parseCliArgs } from "../../src/hub/cli-args.js";
import { formatLogLine } from "../../src/hub/log-format.js";
import { RawClient, upgradeStatus } from "./support/raw-client.js";

const PROJECT_ROOT = new URL("../..", import.meta.url).pathname;

interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the process and every process sharing its pipes ended. */
  ended: Promise<number | null>;
}

function runCli(args: string[]): CliRun {
  // detached: the CLI runs under npx and tsx; a signal to the process group
  // reaches the hub process itself.
  const child = spawn("npx", ["tsx", "src/hub/cli.ts", ...args], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    ended: new Promise((resolve) => child.once("close", resolve)),
  };
}

function waitForOutput(
  run: CliRun,
  pattern: RegExp,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = run.stdout().match(pattern);
      if (match) {
        run.child.stdout?.off("data", check);
        resolve(match);
      }
    };
    run.child.stdout?.on("data", check);
    run.ended.then(() =>
      reject(new Error(`CLI ended before ${pattern}: ${run.stderr()}`)),
    );
    check();
  });
}

describe("atomemo-hub CLI process", () => {
  let running: CliRun | undefined;

  afterEach(async () => {
    if (running && running.child.exitCode === null && running.child.pid) {
      process.kill(-running.child.pid, "SIGKILL");
      await running.ended;
    }
    running = undefined;
  });

  it("prints its URL, serves GET /plugins, checks keys, and exits on SIGTERM", async () => {
    running = runCli(["--port", "0", "--api-key", "cli-key"]);
    const [, url] = await waitForOutput(running, /atomemo-hub ready url=(\S+)/);

    const response = await fetch(`${url?.replace("ws:", "http:")}/plugins`);
    const refused = await upgradeStatus(
      `${url}/debug_socket/websocket?vsn=2.0.0&api_key=wrong`,
    );
    process.kill(-(running.child.pid ?? 0), "SIGTERM");
    await running.ended;

    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(await response.json()).toEqual({ plugins: [] });
    expect(refused).toBe(403);
    expect(running.stdout()).toMatch(/WARN {2}upgrade refused .*status=403/);
    expect(running.stdout()).not.toContain("cli-key");
    expect(running.stdout()).toMatch(/INFO {2}hub closed/);
  });

  it("answers POST /invoke with the answer of a plugin connected to it", async () => {
    const topic = "debug_plugin:calc";
    running = runCli(["--port", "0", "--api-key", "cli-key"]);
    const [, url] = await waitForOutput(running, /atomemo-hub ready url=(\S+)/);
    const socket = `${url}/debug_socket/websocket?vsn=2.0.0&api_key=cli-key`;
    const plugin = new RawClient(new WebSocket(socket));
    await new Promise((resolve) => plugin.ws.once("open", resolve));
    const jr = await plugin.join(topic);
    plugin.send([jr, "2", topic, "register_plugin", { name: "calc" }]);
    await plugin.replyTo("2");

    const response = fetch(`${url?.replace("ws:", "http:")}/invoke`, {
      method: "POST",
      body: JSON.stringify({ plugin: "calc", tool: "add", parameters: [2, 3] }),
    });
    const request = await plugin.nextFrame((f) => f[3] === "invoke_tool");
    const { request_id, data } = request[4] as {
      request_id: string;
      data: { parameters: number[] };
    };
    const sum = data.parameters.reduce((a, b) => a + b, 0);
    const answer = { request_id, data: { sum } };
    plugin.send([jr, null, topic, "invoke_tool_response", answer]);
    const http = await response;
    await plugin.close();

    expect(http.status).toBe(200);
    expect(await http.json()).toEqual({ data: { sum: 5 } });
    expect(running.stdout()).toMatch(/INFO {2}plugin registered .*name=calc/);
  });

  it("exits with code 2 and a clear message on a bad argument", async () => {
    running = runCli(["--port", "http"]);

    const exitCode = await running.ended;

    expect(exitCode).toBe(2);
    expect(running.stderr()).toContain(
      'atomemo-hub: --port must be an integer 0-65535, got "http"',
    );
  });
});

describe("parseCliArgs", () => {
  it("fills in the defaults", () => {
    expect(parseCliArgs([])).toEqual({
      kind: "run",
      host: undefined,
      port: CLI_DEFAULT_PORT,
      apiKeys: undefined,
      requestTimeoutMs: undefined,
      logLevel: "info",
    });
  });

  it("reads every option, with repeated --api-key", () => {
    const args = [
      "--port=4100",
      "--host",
      "0.0.0.0",
      "--api-key",
      "a",
      "--api-key",
      "b",
      "--request-timeout-ms",
      "500",
      "--log-level",
      "debug",
    ];

    expect(parseCliArgs(args)).toEqual({
      kind: "run",
      host: "0.0.0.0",
      port: 4100,
      apiKeys: ["a", "b"],
      requestTimeoutMs: 500,
      logLevel: "debug",
    });
  });

  it("returns help for --help and -h", () => {
    expect(parseCliArgs(["--help"])).toEqual({ kind: "help" });
    expect(parseCliArgs(["-h"])).toEqual({ kind: "help" });
  });

  it.each([
    [["--port", "70000"], /--port must be an integer 0-65535, got "70000"/],
    [["--request-timeout-ms", "0"], /--request-timeout-ms must be an integer/],
    [["--log-level", "loud"], /--log-level must be one of/],
    [["--nope"], /Unknown option '--nope'/],
    [["extra"], /Unexpected argument 'extra'/],
  ])("throws CliArgumentError for %j", (args, message) => {
    expect(() => parseCliArgs(args)).toThrow(message);
  });
});

describe("formatLogLine", () => {
  it("formats a pino line as time, level, message and key=value fields", () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2024, 0, 1, 12, 3, 4, 5),
      pid: 1,
      hostname: "h",
      msg: "upgrade refused",
      status: 403,
      reason: "invalid api_key",
      params: { vsn: "2.0.0" },
    });

    expect(formatLogLine(line)).toBe(
      '12:03:04.005 WARN  upgrade refused status=403 reason="invalid api_key"' +
        ' params={"vsn":"2.0.0"}',
    );
  });

  it("keeps a line that is not JSON as it is", () => {
    expect(formatLogLine("plain text\n")).toBe("plain text");
  });
});
