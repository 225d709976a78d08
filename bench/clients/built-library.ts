/**
 * This library as built (`dist/`, through the package's own name), the
 * way users get it: running `src/` through tsx would add its name-keeping
 * wrapper to every closure and measure that too. `npm run bench` builds
 * first.
 */
import { firstValueFrom } from "rxjs";
import type * as Library from "../../src/index.js";

/** The package's name: Node resolves it to this repository's `dist/`. */
const BUILT_PACKAGE = "atomemo-transporter";

/**
 * Imports the built library.
 *
 * @example
 * const { PhoenixSocket } = await loadBuiltLibrary();
 */
export async function loadBuiltLibrary(): Promise<typeof Library> {
  try {
    return (await import(BUILT_PACKAGE)) as typeof Library;
  } catch (cause) {
    throw new Error("atomemo: no build in dist/; run `npm run build`", {
      cause,
    });
  }
}

/** Heartbeats and timeouts an hour away, out of every measurement. */
export const QUIET_TIMEOUT_MS = 60 * 60 * 1000;

/**
 * Opens a socket of the built library on `socketUrl`, heartbeats pushed
 * out of the way; rejects, leaving nothing open, if it does not open.
 *
 * @example
 * const socket = await openSocket(library, url, "atomemo");
 */
export async function openSocket(
  library: typeof Library,
  socketUrl: string,
  clientName: string,
): Promise<Library.PhoenixSocket> {
  const socket = new library.PhoenixSocket({
    url: socketUrl,
    heartbeatIntervalMs: QUIET_TIMEOUT_MS,
    reconnectStepsMs: [10],
  });
  const opened = firstValueFrom(socket.lifecycle$);

  socket.connect();
  const first = await opened;
  if (first.type !== "open") {
    await socket.disconnect();
    throw new Error(`${clientName}: cannot connect: ${first.type}`);
  }

  return socket;
}
