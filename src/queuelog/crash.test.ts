/**
 * Crash consistency: a real loader process is SIGKILLed at random moments while it loads and
 * while the file rotates, restarted each time; the stored rows must equal the file lines.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { storedLines, storeTargets, withStore } from "../store/store.test-helpers.js";

const dist = fileURLToPath(new URL("../../dist/", import.meta.url));
const T = 1_700_000_000;

/** A child running the compiled loader, as `tandem qload` will. */
function startLoader(
  store: string,
  path: string,
  once: boolean,
  rotated: string[] = [],
): ChildProcess {
  const script = `
    import { runLoader } from ${JSON.stringify(`${dist}queuelog/index.js`)};
    import { openStore } from ${JSON.stringify(`${dist}store/index.js`)};
    const store = await openStore(${JSON.stringify(store)});
    const ac = new AbortController();
    process.on("SIGTERM", () => ac.abort());
    await runLoader({ store, partition: "K", path: ${JSON.stringify(path)}, once: ${once},
      rotated: ${JSON.stringify(rotated)}, batchLines: 37, pollMs: 10, rotationGraceMs: 30, signal: ac.signal });
    await store.close();`;
  return spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) resolve(c.exitCode);
    else c.once("exit", (code) => resolve(code));
  });

// Seeded so a failure can be replayed.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1_103_515_245 + 12_345) % 2_147_483_648;
    return a / 2_147_483_648;
  };
}

const targets = storeTargets();
afterAll(async () => {
  for (const t of targets) await t.cleanup();
});

describe.each(targets)("crash consistency on $name", (target) => {
  it("loses and duplicates nothing across SIGKILLs during load and rotation", {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-crash-"));
    const path = join(dir, "queue_log");
    const store = target.fresh();
    const rand = rng(target.name === "sqlite" ? 7 : 11);
    const written: string[] = [];
    let k = 0;
    const write = (count: number) => {
      const ls: string[] = [];
      for (let i = 0; i < count; i++, k++) {
        ls.push(`${T + k}|${T}.${k}|q${k % 3}|NONE|ENTERQUEUE||${k}|1`);
        // Identical lines in one second are two real events and must stay two rows.
        if (k % 50 === 0)
          ls.push(`${T + k}|NONE|q0|Agent/1|PAUSE|x`, `${T + k}|NONE|q0|Agent/1|PAUSE|x`);
      }
      appendFileSync(path, ls.map((l) => `${l}\n`).join(""));
      written.push(...ls);
    };
    try {
      writeFileSync(path, "");
      write(3000);
      const rotated: string[] = [];
      for (let round = 0; round < 6; round++) {
        const child = startLoader(store, path, false);
        await new Promise((r) => setTimeout(r, 150 + rand() * 350));
        write(200 + Math.floor(rand() * 400));
        if (round % 2 === 1) {
          const to = `${path}.${round}`;
          renameSync(path, to);
          rotated.push(to);
          writeFileSync(path, "");
          write(100 + Math.floor(rand() * 300));
        }
        await new Promise((r) => setTimeout(r, rand() * 200));
        child.kill("SIGKILL");
        await exited(child);
      }
      // A last run loads whatever rotated while no loader was alive.
      const last = startLoader(store, path, true, rotated);
      expect(await exited(last)).toBe(0);
      const stored = await withStore(store, (s) => storedLines(s, "K"));
      expect(stored.length).toBe(written.length);
      expect([...stored].sort()).toEqual([...written].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
