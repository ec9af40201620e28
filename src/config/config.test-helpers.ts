/** Helpers shared by the configuration tests. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { ConfigInvalidError } from "../errors.js";
import { parseConfigText } from "./load.js";

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

/** The problem lines of an invalid configuration text (none when it is valid). */
export async function configProblems(text: string): Promise<string[]> {
  try {
    await parseConfigText(text, "t.yaml");
  } catch (err) {
    if (err instanceof ConfigInvalidError) return err.message.split("\n");
    throw err;
  }
  return [];
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
