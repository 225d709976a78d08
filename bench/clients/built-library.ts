/**
 * This library as built (`dist/`, through the package's own name), the
 * way users get it: running `src/` through tsx would add its name-keeping
 * wrapper to every closure and measure that too. `npm run bench` builds
 * first.
 */
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
