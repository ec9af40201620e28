import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { storedLines, withStore } from "../../store/store.test-helpers.js";
import { registerQload } from "./qload.js";

const T = 1_700_000_000;

describe("tandem qload", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tandem-qload-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (args: string[]) => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const program = new Command().exitOverride();
      registerQload(program);
      await program.parseAsync(["qload", ...args], { from: "user" });
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
    return out.join("");
  };

  it("loads a file with --once and prints the counters with --json", async () => {
    const file = join(dir, "queue_log");
    const store = join(dir, "s.sqlite");
    writeFileSync(
      file,
      `${T}|NONE|NONE|NONE|QUEUESTART|\n${T + 1}|c|q|NONE|ENTERQUEUE||1|1\nnot a line\n`,
    );
    const out = await run([
      "--partition",
      "A",
      "--file",
      file,
      "--store",
      store,
      "--once",
      "--json",
    ]);
    expect(JSON.parse(out)).toMatchObject({ partition: "A", lines: 2, malformed: 1, retries: 0 });
    expect(await withStore(store, (s) => storedLines(s, "A"))).toHaveLength(2);
  });

  it("rejects a bad partition name and a bad batch size as usage errors", async () => {
    await expect(run(["--partition", "B-", "--file", "x", "--once"])).rejects.toMatchObject({
      code: "TANDEM_ERR_USAGE",
      message: expect.stringContaining('--partition "B-" is not valid'),
    });
    await expect(run(["--partition", "B", "--file", "x", "--batch-lines", "0"])).rejects.toThrow(
      '--batch-lines "0" is not an integer from 1 to 100000',
    );
  });

  it("explains itself in --help", () => {
    const program = new Command();
    registerQload(program);
    const help = program.commands[0]?.helpInformation() ?? "";
    expect(help).toContain("--partition <name>");
    expect(help).toContain("--once");
    expect(help).toContain("--rotated <files...>");
  });
});
