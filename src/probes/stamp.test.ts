import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStamp } from "./stamp.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tandem-stamp-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("createStamp", () => {
  it("writes a fresh random id each time", () => {
    const path = join(dir, ".tandem-stamp");
    const first = createStamp(path);
    expect(first.id).toMatch(/^[0-9a-f]{32}$/);
    expect(readFileSync(path, "utf8")).toBe(`${first.id}\n`);
    const second = createStamp(path);
    expect(second.id).not.toBe(first.id);
    expect(readFileSync(path, "utf8")).toBe(`${second.id}\n`);
  });

  it("throws when the directory does not exist", () => {
    expect(() => createStamp(join(dir, "missing", ".tandem-stamp"))).toThrow(/ENOENT/);
  });
});
