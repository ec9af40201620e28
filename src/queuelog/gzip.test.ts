import { execFile, execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/open.js";
import { storedLines } from "../store/store.test-helpers.js";
import { runLoader } from "./loader.js";

// Compressed with the real gzip(1), as logrotate's `compress` does (it runs gzip too).
const T = 1_700_000_000;
const BIN = fileURLToPath(new URL("../../bin/tandem.js", import.meta.url));
const run$ = promisify(execFile);
let n = 0;
function lines(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const k = n++;
    out.push(`${T + k}|${T}.${k}|sales|NONE|ENTERQUEUE||555${k}|1`);
  }
  return out;
}
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join("");
const sorted = (a: string[]) => [...a].sort();
/** Compresses `path` in place with gzip(1): `path` becomes `path.gz`. */
const gzip = (path: string) => execFileSync("gzip", ["-n", path]);

describe("gzip-compressed queue_logs", () => {
  let dir = "";
  let path = "";
  let store: Store;
  const load = (p = path, rotated: string[] = []) =>
    runLoader({ store, partition: "A", path: p, once: true, pollMs: 20, rotated });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "tandem-gz-"));
    path = join(dir, "queue_log");
    store = await openStore(join(dir, "store.sqlite"));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads a .gz given as the file itself, every line, and a rerun adds nothing", async () => {
    const ls = lines(40);
    writeFileSync(path, text(ls));
    gzip(path);
    expect((await load(`${path}.gz`)).lines).toBe(40);
    expect((await load(`${path}.gz`)).lines).toBe(0);
    expect(sorted(await storedLines(store, "A"))).toEqual(sorted(ls));
  });

  it("recognises gzip by its content, whatever the file is called", async () => {
    const ls = lines(5);
    writeFileSync(path, text(ls));
    gzip(path);
    renameSync(`${path}.gz`, join(dir, "queue_log-20261128"));
    expect((await load(join(dir, "queue_log-20261128"))).lines).toBe(5);
  });

  it("logrotate compress: .2.gz and .1.gz before the live file, each line once", async () => {
    const a = lines(10);
    const b = lines(10);
    const c = lines(3);
    writeFileSync(`${path}.2`, text(a));
    gzip(`${path}.2`);
    writeFileSync(`${path}.1`, text(b));
    gzip(`${path}.1`);
    writeFileSync(path, text(c));
    const s = await load(path, [`${path}.2.gz`, `${path}.1.gz`]);
    expect(s.lines).toBe(23);
    expect(sorted(await storedLines(store, "A"))).toEqual(sorted([...a, ...b, ...c]));
  });

  it("logrotate compress while the loader was down: the rest of its file comes from .1.gz", async () => {
    const a = lines(10);
    writeFileSync(path, text(a));
    await load();
    const late = lines(4);
    appendFileSync(path, text(late));
    renameSync(path, `${path}.1`);
    gzip(`${path}.1`);
    const b = lines(2);
    writeFileSync(path, text(b));
    expect((await load()).lines).toBe(6);
    expect(sorted(await storedLines(store, "A"))).toEqual(sorted([...a, ...late, ...b]));
  });

  it("logrotate delaycompress across two rotations while down: .1 plain, .2.gz", async () => {
    const a = lines(10);
    writeFileSync(path, text(a));
    await load();
    const late = lines(3);
    appendFileSync(path, text(late));
    // First rotation: queue_log -> queue_log.1 (delayed: not compressed yet).
    renameSync(path, `${path}.1`);
    const b = lines(5);
    writeFileSync(path, text(b));
    // Second rotation: .1 -> .2, compressed now; queue_log -> .1.
    renameSync(`${path}.1`, `${path}.2`);
    gzip(`${path}.2`);
    renameSync(path, `${path}.1`);
    const c = lines(2);
    writeFileSync(path, text(c));
    // The file it had started is finished from .2.gz; the one it never saw is loaded with
    // --rotated, as the operator names it.
    await load(path, [`${path}.1`]);
    expect(sorted(await storedLines(store, "A"))).toEqual(sorted([...a, ...late, ...b, ...c]));
  });

  it("tandem report --source file:X.gz and tandem qload --file X.gz --once", async () => {
    const ls = [
      `${T}|c1|sales|NONE|ENTERQUEUE||100|1`,
      `${T + 5}|c1|sales|Agent/1|CONNECT|5|c1.1|2`,
      `${T + 65}|c1|sales|Agent/1|COMPLETECALLER|5|60|1`,
    ];
    writeFileSync(path, text(ls));
    gzip(path);
    const gz = `${path}.gz`;
    const report = await run$(process.execPath, [
      BIN,
      "report",
      "queues",
      "--source",
      `file:${gz}`,
      "--from",
      String(T),
      "--to",
      String(T + 100),
      "--format",
      "json",
    ]);
    const rows = JSON.parse(report.stdout) as { queue: string; offered: number }[];
    expect(rows.map((r) => [r.queue, r.offered])).toEqual([["sales", 1]]);
    const q = await run$(process.execPath, [
      BIN,
      "qload",
      "--partition",
      "A",
      "--file",
      gz,
      "--once",
      "--json",
      "--store",
      join(dir, "cli.sqlite"),
    ]);
    expect(JSON.parse(q.stdout)).toMatchObject({ lines: 3 });
  });
});
