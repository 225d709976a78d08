import type { ClientConnection } from "./connection.js";
import type { PluginListing } from "./http-api.js";

/**
 * Every joined channel, with the definition its plugin registered (or
 * `null` before `register_plugin`).
 *
 * @example
 * listPlugins(connections, definitions);
 * // → [{ topic: "debug_plugin:demo", connectionId: "conn-1", mode: "debug",
 * //      definition: { name: "demo" } }]
 */
export function listPlugins(
  connections: Iterable<ClientConnection>,
  definitions: ReadonlyMap<string, unknown>,
): PluginListing[] {
  const listings: PluginListing[] = [];

  for (const connection of connections) {
    for (const topic of connection.channels.keys()) {
      listings.push({
        topic,
        connectionId: connection.id,
        mode: connection.mode,
        definition: definitions.get(topic) ?? null,
      });
    }
  }

  return listings;
}

/**
 * The joined topic a plugin reference names: the topic itself,
 * `debug_plugin:<name>`, the topic whose registered definition has that
 * `name`, or `release_plugin:<name>__…`, in that order.
 *
 * @example
 * findPluginTopic("demo", connections, definitions); // "debug_plugin:demo"
 */
export function findPluginTopic(
  plugin: string,
  connections: Iterable<ClientConnection>,
  definitions: ReadonlyMap<string, unknown>,
): string | undefined {
  const joined = new Set<string>();
  for (const connection of connections) {
    for (const topic of connection.channels.keys()) joined.add(topic);
  }

  const candidates: Array<(topic: string) => boolean> = [
    (topic) => topic === plugin,
    (topic) => topic === `debug_plugin:${plugin}`,
    (topic) => registeredName(definitions.get(topic)) === plugin,
    (topic) => topic.startsWith(`release_plugin:${plugin}__`),
  ];

  for (const matches of candidates) {
    const topic = [...joined].find(matches);
    if (topic !== undefined) {
      return topic;
    }
  }
  return undefined;
}

function registeredName(definition: unknown): unknown {
  return (definition as { name?: unknown } | undefined)?.name;
}
