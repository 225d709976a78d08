/**
 * Sends a burst of server pushes to one channel as fast as the socket
 * takes them: the source for the throughput (a) and dispatch (e)
 * workloads.
 *
 * Each frame is built by joining a fixed prefix, the sequence number and
 * a fixed suffix, and frames leave in batches of 512 per socket write
 * (see `outbox.ts`), so the server spends almost nothing per frame
 * and the client is the bottleneck. Each batch waits for the socket to
 * take the previous one, so a slow client slows the server down instead
 * of piling megabytes into the server's memory.
 */
import { frameStart } from "./frame.js";
import type { Outbox } from "./outbox.js";

/** What a `bench:flood` push asks for. */
export interface FloodRequest {
  /** How many `bench:msg` pushes to send. */
  count: number;
  /** The approximate size of each frame, in bytes. */
  bytes: number;
}

const FRAMES_PER_WRITE = 512;

/**
 * Reads a `bench:flood` payload; throws naming the bad field.
 *
 * @example
 * parseFloodRequest({ count: 1000, bytes: 200 }); // { count: 1000, ... }
 */
export function parseFloodRequest(payload: unknown): FloodRequest {
  const { count, bytes } = (payload ?? {}) as Record<string, unknown>;

  if (!Number.isSafeInteger(count) || (count as number) < 0) {
    throw new Error(`bench:flood: count must be an integer >= 0`);
  }

  if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) {
    throw new Error(`bench:flood: bytes must be an integer >= 0`);
  }

  return { count: count as number, bytes: bytes as number };
}

/**
 * Sends `request.count` pushes `bench:msg {seq, data}` of about
 * `request.bytes` bytes to `topic`; resolves once the socket took them
 * all, or early if `isOpen()` turns false.
 *
 * @example
 * const isOpen = () => socket.readyState === socket.OPEN;
 * await flood(outbox, isOpen, "1", "bench:a", { count: 1000, bytes: 200 });
 */
export async function flood(
  outbox: Outbox,
  isOpen: () => boolean,
  joinRef: string | null,
  topic: string,
  request: FloodRequest,
): Promise<void> {
  const prefix = `${frameStart(joinRef, null, topic, "bench:msg")}{"seq":`;
  const fillerLength = Math.max(0, request.bytes - prefix.length - 20);
  const suffix = `,"data":"${"x".repeat(fillerLength)}"}]`;

  let seq = 0;
  while (seq < request.count && isOpen()) {
    const chunkEnd = Math.min(request.count, seq + FRAMES_PER_WRITE);
    for (; seq < chunkEnd; seq += 1) {
      outbox.enqueue(prefix + seq + suffix);
    }

    await outbox.flush();
  }
}
