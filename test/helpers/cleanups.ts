/** The clean-up list every process test keeps: what a test started is stopped after it. */
import { afterEach } from "vitest";

/** A clean-up step: stop a process, close a server, remove a directory. */
export type Cleanup = () => Promise<void> | void;

/**
 * A list to push clean-up steps onto; after each test they run, newest first, and the list
 * is emptied. Call it at the top level of a test file.
 *
 * @example
 * ```ts
 * const cleanups = useCleanups();
 * cleanups.push(() => server.close());
 * ```
 */
export function useCleanups(): Cleanup[] {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}
