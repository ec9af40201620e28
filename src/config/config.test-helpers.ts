/** Helpers shared by the configuration tests. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; details?: unknown }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string; details?: unknown };
  }
  throw new Error("expected the promise to reject, but it resolved");
}

/** A fresh temporary directory, removed after the current test. */
export function useTempDir(): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-config-"));
    dirs.push(dir);
    return dir;
  };
}
