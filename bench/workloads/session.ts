/**
 * Helpers every workload uses to hold one client for one run: connect,
 * join, always close, and wait for a server push.
 */
import type { BenchClient, CreateBenchClient } from "../clients/types.js";

/**
 * Creates a client, connects it, joins `topics`, runs `measure`, and
 * closes the client whether `measure` succeeded or not.
 *
 * @example
 * const ms = await withJoinedClient(create, url, ["bench:a"], (client) =>
 *   timeSomething(client),
 * );
 */
export async function withJoinedClient<T>(
  createClient: CreateBenchClient,
  socketUrl: string,
  topics: readonly string[],
  measure: (client: BenchClient) => Promise<T>,
): Promise<T> {
  const client = createClient();

  try {
    await client.connect(socketUrl);
    await Promise.all(topics.map((topic) => client.join(topic)));

    return await measure(client);
  } finally {
    await client.close();
  }
}

/**
 * Resolves with the payload of the next server push of `event` on
 * `topic`. Register it before triggering the push.
 *
 * @example
 * const done = nextEvent(client, "bench:a", "bench:flood_done");
 * await client.push("bench:a", "bench:flood", { count: 10, bytes: 200 });
 * await done;
 */
export function nextEvent(
  client: BenchClient,
  topic: string,
  event: string,
): Promise<unknown> {
  return new Promise((resolve) => {
    const stop = client.onEvent(topic, event, (payload) => {
      stop();
      resolve(payload);
    });
  });
}
