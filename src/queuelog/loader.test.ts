import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../store/open.js";
import { openStore } from "../store/open.js";
import { readMalformed } from "../store/read.js";
import { storedLines, storeTargets } from "../store/store.test-helpers.js";
import { type LoaderOptions, runLoader } from "./loader.js";

const T = 1_700_000_000;
let n = 0;
/** `count` distinct lines (plus a pair of identical ones in the same second). */
function lines(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const k = n++;
    out.push(`${T + k}|${T + k}.${k}|sales|NONE|ENTERQUEUE||555${k}|1`);
  }
  out.push(`${T + n}|NONE|sales|Agent/1|PAUSE|Lunch`, `${T + n}|NONE|sales|Agent/1|PAUSE|Lunch`);
  return out;
}
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join("");
const sorted = (a: string[]) => [...a].sort();

async function until(cond: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const targets = storeTargets();
afterAll(async () => {
  for (const t of targets) await t.cleanup();
});

describe.each(targets)("loader on $name", (target) => {
  let dir = "";
  let store: Store;
  let path = "";
  const load = (o: Partial<LoaderOptions> = {}) =>
    runLoader({ store, partition: "A", path, once: true, pollMs: 20, rotationGraceMs: 60, ...o });
  const follow = (o: Partial<LoaderOptions> = {}) => {
    const ac = new AbortController();
    const done = load({ once: false, signal: ac.signal, ...o });
    return {
      stop: async () => {
        ac.abort();
        return done;
      },
    };
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "tandem-qlog-"));
    path = join(dir, "queue_log");
    store = await openStore(target.fresh());
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads every line once, identical lines included, and a rerun adds nothing", async () => {
    const ls = lines(50);
    writeFileSync(path, text(ls));
    const s1 = await load({ batchLines: 7 });
    expect(s1.lines).toBe(52);
    const s2 = await load();
    expect(s2.lines).toBe(0);
    expect(sorted(await storedLines(store, "A"))).toEqual(sorted(ls));
  });

  it("leaves a partial last line until its newline arrives", async () => {
    const ls = lines(3);
    writeFileSync(path, `${text(ls)}${T}|x|q|NONE|ENTER`);
    expect((await load()).lines).toBe(5);
    appendFileSync(path, "QUEUE||1|1\n");
    expect((await load()).lines).toBe(1);
    expect(await storedLines(store, "A")).toContain(`${T}|x|q|NONE|ENTERQUEUE||1|1`);
  });

  it("follows rename rotation: finishes the old file, then reads the new one", async () => {
    const a = lines(20);
    writeFileSync(path, text(a));
    const f = follow();
    await until(async () => (await storedLines(store, "A")).length === a.length);
    const late = lines(5);
    appendFileSync(path, text(late));
    renameSync(path, `${path}.1`);
    // Written to the old file after the rename: the grace period still picks them up.
    const later = lines(2);
    appendFileSync(`${path}.1`, text(later));
    const b = lines(10);
    writeFileSync(path, text(b));
    const all = [...a, ...late, ...later, ...b];
    await until(async () => (await storedLines(store, "A")).length === all.length);
    await f.stop();
    expect(sorted(await storedLines(store, "A"))).toEqual(sorted(all));
  });

  it("follows copytruncate, taking lines it had not read yet from the copy", async () => {
    const a = lines(20);
    writeFileSync(path, text(a));
    const f = follow({ pollMs: 200 });
    await until(async () => (await storedLines(store, "A")).length === a.length);
    const unread = lines(6);
    appendFileSync(path, text(unread));
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    const b = lines(8);
    appendFileSync(path, text(b));
    const all = [...a, ...unread, ...b];
    await until(async () => (await storedLines(store, "A")).length === all.length);
    await f.stop();
    expect(sorted(await storedLines(store, "A"))).toEqual(sorted(all));
  });

  it("loads rotated files on request, .gz included, without loading a line twice", async () => {
    const old = lines(30);
    writeFileSync(`${path}.2.gz`, gzipSync(text(old)));
    const mid = lines(10);
    writeFileSync(path, text(mid));
    await load();
    // queue_log was rotated to queue_log.1 after it was loaded: same content, nothing new.
    renameSync(path, `${path}.1`);
    const cur = lines(4);
    writeFileSync(path, text(cur));
    const s = await load({ rotated: [`${path}.2.gz`, `${path}.1`] });
    expect(s.lines).toBe(old.length + cur.length);
    expect(sorted(await storedLines(store, "A"))).toEqual(sorted([...old, ...mid, ...cur]));
  });

  it("keeps bad lines aside with file, offset and reason, and goes on", async () => {
    const good = lines(3);
    const body = `${good[0]}\nnot a queue log line\n${"\u0001\u0002garbage"}\n${T + 400 * 86_400}|c|q|NONE|CONNECT|1|x|1\n${good[1]}\n${good[2]}\n${good[3]}\n${good[4]}\n`;
    writeFileSync(path, body);
    const s = await load({ now: () => T * 1000 });
    expect(s).toMatchObject({ lines: 5, malformed: 3 });
    const m = await readMalformed(store, ["A"]);
    expect(m.total).toBe(3);
    const future = T + 400 * 86_400;
    expect(m.rows.map((r) => [r.path, r.off, r.reason])).toEqual([
      [
        path,
        body.indexOf("not a"),
        "expected at least 5 '|'-separated fields (epoch|callid|queue|agent|event), found 1",
      ],
      [path, body.indexOf("\u0001"), "binary data: control byte 0x01 at column 1"],
      [
        path,
        body.indexOf(`${future}`),
        `timestamp ${future} (2024-12-18T22:13:20.000Z) is 34560000 s ahead of this host's clock`,
      ],
    ]);
    expect(m.rows[1]?.raw).toBe("\\x01\\x02garbage");
  });

  it("loads lines that are not UTF-8 decoded as Latin-1, counted and named", async () => {
    // Real ISO-8859-1 bytes: "José Müller" with é = 0xE9 and ü = 0xFC, between a line in
    // UTF-8 ("Zoë", ë = 0xC3 0xAB) and a plain ASCII one.
    const latin = Buffer.concat([
      Buffer.from(`${T}|c1|sales|NONE|ENTERQUEUE||Jos`),
      Buffer.from([0xe9]),
      Buffer.from(" M"),
      Buffer.from([0xfc]),
      Buffer.from("ller|1\n"),
    ]);
    const utf8 = Buffer.from(`${T + 1}|c2|sales|NONE|ENTERQUEUE||Zoë|2\n`, "utf8");
    expect(utf8.includes(Buffer.from([0xc3, 0xab]))).toBe(true);
    const ascii = Buffer.from(`${T + 2}|c3|sales|NONE|ENTERQUEUE||Bob|3\n`);
    writeFileSync(path, Buffer.concat([latin, utf8, ascii]));
    const notices: string[] = [];
    const s = await load({ onNotice: (x) => notices.push(x.message) });
    expect(s).toMatchObject({ lines: 3, malformed: 0, latin1: 1 });
    expect(await storedLines(store, "A")).toEqual([
      `${T}|c1|sales|NONE|ENTERQUEUE||José Müller|1`,
      `${T + 1}|c2|sales|NONE|ENTERQUEUE||Zoë|2`,
      `${T + 2}|c3|sales|NONE|ENTERQUEUE||Bob|3`,
    ]);
    const calls = await store.db.selectFrom("qlog_calls").select("caller").orderBy("off").execute();
    expect(calls.map((c) => c.caller)).toEqual(["José Müller", "Zoë", "Bob"]);
    expect(notices).toEqual([
      `${path} offset 0: line is not valid UTF-8; loaded decoded as Latin-1 (ISO-8859-1)`,
    ]);
    expect((await readMalformed(store, ["A"])).total).toBe(0);
  });

  it("refuses a file that is not a queue_log, storing nothing", async () => {
    writeFileSync(path, "[general]\nlogfile=yes\nverbose=3\n");
    await expect(load()).rejects.toThrow(
      `${path} is not a queue_log: none of its first 3 line(s) has the form epoch|callid|queue|agent|event (line 1: expected at least 5`,
    );
    writeFileSync(path, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)));
    await expect(load()).rejects.toMatchObject({ code: "TANDEM_ERR_QUEUELOG_MALFORMED" });
    expect(await storedLines(store, "A")).toEqual([]);
  });

  it("loads the complete lines of a truncated .gz and says where it stops", async () => {
    const ls = lines(2000);
    const gz = gzipSync(text(ls));
    writeFileSync(`${path}.1.gz`, gz.subarray(0, Math.floor(gz.length / 2)));
    writeFileSync(path, text(lines(1)));
    await expect(load({ rotated: [`${path}.1.gz`] })).rejects.toThrow(
      /queue_log\.1\.gz is truncated: the stream stops after \d+ decompressed bytes/,
    );
    const stored = await storedLines(store, "A");
    expect(stored.length).toBeGreaterThan(100);
    expect(stored).toEqual(ls.slice(0, stored.length));
  });

  it("counts lines out of time order and keeps them", async () => {
    writeFileSync(
      path,
      `${T + 100}|a|q|NONE|INFO|\n${T}|b|q|NONE|INFO|\n${T + 1}|c|q|NONE|INFO|\n`,
    );
    const notices: string[] = [];
    const s = await load({ onNotice: (x) => notices.push(x.message) });
    expect(s).toMatchObject({ lines: 3, outOfOrder: 1 });
    expect(notices[0]).toContain(
      "timestamp 1700000000 is 100 s earlier than the line before it; kept in file order",
    );
  });

  it("says which file is missing", async () => {
    await expect(load()).rejects.toThrow(`Cannot read queue_log ${path}: no such file`);
  });
});
