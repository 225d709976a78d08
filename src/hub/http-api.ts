/**
 * The hub's HTTP API, served on the WebSocket port: `GET /plugins` lists
 * the joined plugin channels, `POST /invoke` sends `invoke_tool` to one and
 * answers with the plugin's answer.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { HubChannelClosedError, HubRequestTimeoutError } from "./errors.js";
import type { HubRequestResult } from "./types.js";

/** One entry of `GET /plugins`. */
export interface PluginListing {
  topic: string;
  connectionId: string;
  mode: string;
  definition: unknown;
}

/** An `invoke_tool` request for one plugin channel. */
export interface InvokeRequest {
  topic: string;
  data: { tool_name: string; parameters: unknown; credentials: unknown };
  timeoutMs: number | undefined;
}

/** What the HTTP API needs from the hub. */
export interface HttpApiContext {
  logger: Logger;
  listPlugins(): PluginListing[];
  /** Resolves a plugin name or topic to a joined topic. */
  findPluginTopic(plugin: string): string | undefined;
  invoke(request: InvokeRequest): Promise<HubRequestResult>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Serves one HTTP request. Answers are JSON: `{ plugins }` for
 * `GET /plugins`; for `POST /invoke` `{ data }` (200), `{ error }` (502
 * plugin error, 504 timeout, 404 unknown plugin, 400 bad body).
 *
 * @example
 * http.createServer((req, res) => serveHttpApi(context, req, res));
 */
export async function serveHttpApi(
  context: HttpApiContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? "/", "http://hub.invalid").pathname;

  try {
    if (request.method === "GET" && path === "/plugins") {
      sendJson(response, 200, { plugins: context.listPlugins() });
    } else if (request.method === "POST" && path === "/invoke") {
      await serveInvoke(context, request, response);
    } else {
      const route = `${request.method} ${path}`;
      sendJson(response, 404, {
        error: `no route ${route}; try GET /plugins or POST /invoke`,
      });
    }
  } catch (error) {
    context.logger.error({ path, error: String(error) }, "HTTP API failed");
    sendJson(response, 500, { error: String(error) });
  }
}

/**
 * Writes a JSON response.
 *
 * @example
 * sendJson(response, 404, { error: "not found" });
 */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

async function serveInvoke(
  context: HttpApiContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(request);
  if (body === undefined) {
    sendJson(response, 413, { error: `body over ${MAX_BODY_BYTES} bytes` });
    return;
  }

  const parsed = parseInvokeBody(body);
  if ("error" in parsed) {
    sendJson(response, 400, { error: parsed.error });
    return;
  }

  const topic = context.findPluginTopic(parsed.plugin);
  if (topic === undefined) {
    sendJson(response, 404, {
      error: `no joined plugin matches "${parsed.plugin}"`,
    });
    return;
  }

  const { status, body: answer } = await invokeTool(context, {
    topic,
    timeoutMs: parsed.timeoutMs,
    data: {
      tool_name: parsed.tool,
      parameters: parsed.parameters,
      credentials: parsed.credentials,
    },
  });
  sendJson(response, status, answer);
}

async function invokeTool(
  context: HttpApiContext,
  request: InvokeRequest,
): Promise<{ status: number; body: unknown }> {
  try {
    const result = await context.invoke(request);
    return result.ok
      ? { status: 200, body: { data: result.data } }
      : { status: 502, body: { error: result.error } };
  } catch (error) {
    if (error instanceof HubRequestTimeoutError) {
      return { status: 504, body: { error: error.message } };
    }
    if (error instanceof HubChannelClosedError) {
      return { status: 502, body: { error: error.message } };
    }
    throw error;
  }
}

interface InvokeBody {
  plugin: string;
  tool: string;
  parameters: unknown;
  credentials: unknown;
  timeoutMs: number | undefined;
}

function parseInvokeBody(text: string): InvokeBody | { error: string } {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { error: `body is not JSON: ${(error as Error).message}` };
  }

  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { error: "body must be a JSON object" };
  }
  if (typeof body.plugin !== "string" || typeof body.tool !== "string") {
    return { error: 'body needs string fields "plugin" and "tool"' };
  }

  const timeoutMs = body.timeout_ms;
  if (timeoutMs !== undefined && !isPositiveNumber(timeoutMs)) {
    return { error: '"timeout_ms" must be a positive number' };
  }

  return {
    plugin: body.plugin,
    tool: body.tool,
    parameters: body.parameters ?? {},
    credentials: body.credentials ?? {},
    timeoutMs,
  };
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;

  // An oversized body is read to its end but not kept: leaving the loop
  // early would destroy the request and, with it, the response socket.
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) {
      chunks.push(chunk as Buffer);
    }
  }

  if (size > MAX_BODY_BYTES) {
    return undefined;
  }
  return Buffer.concat(chunks).toString("utf8");
}
