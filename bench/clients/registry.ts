/**
 * The clients the benchmark knows, in table order, and how to load one.
 *
 * A client is a module `bench/clients/<name>.ts` exporting `createClient`
 * (see `types.ts`). A listed client whose module does not exist yet is
 * shown as "—" in every table instead of failing the run; that is how
 * `atomemo` appears until its adapter is written.
 */
import { existsSync } from "node:fs";

import type { CreateBenchClient } from "./types.js";

/** Every client, in the order of the table rows. */
export const CLIENT_NAMES = [
  "raw-ws",
  "phoenix-js",
  "atomemo-engine",
  "atomemo",
] as const;

/** The name of one known client. */
export type ClientName = (typeof CLIENT_NAMES)[number];

/** The client every figure is compared with first: the practical limit. */
export const RAW_BASELINE: ClientName = "raw-ws";

/** The client every figure is compared with second: the reference. */
export const PHOENIX_BASELINE: ClientName = "phoenix-js";

/**
 * Tells whether `name` is a known client.
 *
 * @example
 * isClientName("raw-ws"); // true
 */
export function isClientName(name: string): name is ClientName {
  return (CLIENT_NAMES as readonly string[]).includes(name);
}

/**
 * Tells whether the module of client `name` exists.
 *
 * @example
 * hasClientModule("atomemo"); // false until bench/clients/atomemo.ts exists
 */
export function hasClientModule(name: ClientName): boolean {
  return existsSync(new URL(`./${name}.ts`, import.meta.url));
}

/**
 * Imports the module of client `name` and returns its `createClient`.
 *
 * @example
 * const createClient = await loadClient("phoenix-js");
 * const client = createClient();
 */
export async function loadClient(name: ClientName): Promise<CreateBenchClient> {
  const specifier = `./${name}.js`;
  const module = (await import(specifier)) as {
    createClient?: CreateBenchClient;
  };

  if (typeof module.createClient !== "function") {
    throw new Error(`bench/clients/${name}.ts does not export createClient`);
  }

  return module.createClient;
}
