import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { storedLines, withStore } from "../../store/store.test-helpers.js";
import { registerQload } from "./qload.js";

const T = 1_700_000_000;
const BIN = fileURLToPath(new URL("../../../bin/tandem.js", import.meta.url));
const run$ = promisify(execFile);
/** Quotes a word for the shell `script` runs the command in. */
const sh = (w: string) => `'${w.replace(/'/g, "'\\''")}'`;

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

  describe("progress bar", () => {
    // A file of 3000 lines loaded 100 lines per batch: about thirty commits, each of which
    // moves the bar while the load is still behind the end of the file.
    const load = () => {
      const file = join(dir, "queue_log");
      const lines = Array.from(
        { length: 3000 },
        (_, i) => `${T + i}|${T}.${i}|q|NONE|ENTERQUEUE||555${i}|1\n`,
      );
      writeFileSync(file, lines.join(""));
      return [
        BIN,
        "qload",
        "--partition",
        "A",
        "--file",
        file,
        "--store",
        join(dir, "s.sqlite"),
        "--once",
        "--batch-lines",
        "100",
      ];
    };
    const BAR = /\r\[#*\.*\] \d+% [\d.]+\/[\d.]+ MB /;

    it("is drawn on stderr when stderr is a terminal", { timeout: 30_000 }, async () => {
      const args = load();
      // script(1) runs the command on a pseudo-terminal and copies what it writes there.
      const cmd = [process.execPath, ...args].map(sh).join(" ");
      const { stdout } = await run$("script", ["-qfc", cmd, "/dev/null"], {
        env: { ...process.env, TERM: "dumb" },
      });
      expect(stdout).toMatch(BAR);
      // Cleared once the load is done, then the summary line.
      expect(stdout).toContain("\r\x1b[K");
      expect(stdout).toContain('3000 lines loaded into partition "A"');
    });

    it("is not drawn when stderr is a pipe", { timeout: 30_000 }, async () => {
      const { stdout, stderr } = await run$(process.execPath, load());
      expect(stderr).toContain('3000 lines loaded into partition "A"');
      expect(stderr).not.toMatch(BAR);
      expect(stderr).not.toContain("\r");
      expect(stdout).toBe("");
    });
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
