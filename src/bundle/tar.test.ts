import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tarGz } from "./tar.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("tarGz", () => {
  it("writes archives the system tar unpacks, long names and block-sized files included", () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-tar-"));
    dirs.push(dir);
    const long = `bundle/${"deep-folder-name/".repeat(6)}${"f".repeat(60)}.txt`;
    const entries = [
      { name: "bundle/empty.txt", data: Buffer.alloc(0) },
      { name: "bundle/block.bin", data: Buffer.alloc(512, 7) },
      { name: "bundle/ünïcode.json", data: Buffer.from('{"ok":true}\n') },
      { name: long, data: Buffer.from("long name\n") },
    ];
    writeFileSync(join(dir, "t.tar.gz"), tarGz(entries));
    const r = spawnSync("tar", ["-xzf", "t.tar.gz"], { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const e of entries) expect(readFileSync(join(dir, e.name))).toEqual(e.data);
    const list = spawnSync("tar", ["-tvzf", "t.tar.gz"], { cwd: dir, encoding: "utf8" });
    expect(list.stdout).toMatch(/^-rw------- /m);
  });

  it("refuses a name ustar cannot hold", () => {
    expect(() => tarGz([{ name: "x".repeat(300), data: Buffer.alloc(0) }])).toThrow(
      /too long for ustar/,
    );
  });
});
