/**
 * Crash consistency with a real writer: a child process saves records with increasing terms as
 * fast as it can and is SIGKILLed at random moments. After every kill the file must hold a
 * complete record, the last one the child reported saved or the one it was writing.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { PersistedRecord } from "../engine/types.js";
import { StateFile } from "./index.js";

/** The compiled module an operator runs (vitest's global setup builds `dist/`). */
const DIST_STATE = fileURLToPath(new URL("../../dist/state/index.js", import.meta.url));

/** Every field depends on the term, so a record stitched from two writes would not match. */
function recordFor(term: number): PersistedRecord {
  return {
    term,
    mode: term % 2 === 0 ? "ACTIVE" : "PEER_FENCED",
    flags: {
      selfFenced: null,
      peerFenced: term % 2 === 0 ? null : { by: `node-${term}`, term, since: term * 1.5 },
      suspended: null,
      fencingPeer: term % 2 === 0 ? { peer: `node-${term}`, term, since: term * 2.5 } : null,
    },
  };
}

const CHILD = `
import { StateFile } from ${JSON.stringify(DIST_STATE)};
const recordFor = ${recordFor.toString()};
const file = new StateFile(process.argv[1]);
let term = (await file.load())?.term ?? 0;
process.stdout.write(\`loaded \${term}\\n\`);
for (;;) {
  term += 1;
  await file.save(recordFor(term));
  process.stdout.write(\`saved \${term}\\n\`);
}
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the writer until it has saved once, lets it go on for `ms`, SIGKILLs it; its output. */
async function writeThenKill(dir: string, ms: number): Promise<string> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD, dir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("saved ")) resolve();
    });
    child.on("exit", () => reject(new Error(`writer exited early: ${err}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  child.kill("SIGKILL");
  await closed;
  return out;
}

describe("StateFile under SIGKILL", () => {
  it("always leaves a complete record: the last saved or the one in flight", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-state-crash-"));
    dirs.push(dir);
    let previous = 0;
    let totalSaves = 0;
    for (let round = 0; round < 10; round++) {
      const out = await writeThenKill(dir, Math.random() * 40);
      // Stdout to a pipe is synchronous on Linux: every line the child wrote before dying is here.
      const loaded = Number(/^loaded (\d+)$/m.exec(out)?.[1]);
      const saved = [...out.matchAll(/^saved (\d+)$/gm)].map((m) => Number(m[1]));
      const lastSaved = saved.at(-1) ?? 0;
      expect(loaded).toBe(previous);
      totalSaves += saved.length;

      const record = await new StateFile(dir).load();
      expect(record).not.toBeNull();
      const term = record?.term ?? -1;
      expect([lastSaved, lastSaved + 1]).toContain(term);
      expect(record).toEqual(recordFor(term));
      // At most the one temporary file of the write the kill interrupted.
      expect(readdirSync(dir).filter((n) => n.includes(".tmp-")).length).toBeLessThanOrEqual(1);
      previous = term;
    }
    expect(totalSaves).toBeGreaterThan(10);
  }, 60_000);
});
