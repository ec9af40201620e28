import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCommandChecker } from "./command.js";
import { isRunning } from "./proc.test-helpers.js";

const ctx = { probeName: "check", hostname: "test", timeoutMs: 1000 };
let dir = "";
const strays: number[] = [];

const run = (command: string | string[], env?: Record<string, string>, signal?: AbortSignal) =>
  createCommandChecker({ kind: "command", command, ...(env ? { env } : {}) }, ctx).check(
    signal ?? new AbortController().signal,
  );

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tandem-command-"));
});

afterEach(() => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone, as it should be.
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("command probe", () => {
  it.each([
    [0, "ok", "OK: DISK OK - free space: / 3326 MB (56%)"],
    [1, "warn", "WARNING: DISK OK - free space: / 3326 MB (56%)"],
    [2, "fail", "CRITICAL: DISK OK - free space: / 3326 MB (56%)"],
    [3, "fail", "UNKNOWN: DISK OK - free space: / 3326 MB (56%)"],
    [4, "fail", "exit code 4: DISK OK - free space: / 3326 MB (56%)"],
  ])("maps exit %i to %s", async (code, status, message) => {
    const script = `printf 'DISK OK - free space: / 3326 MB (56%%) | /=2643MB;5948\\nmore\\n'; exit ${code}`;
    expect(await run(script)).toEqual({ status, message });
  });

  it("falls back to standard error and cuts the line at 200 characters", async () => {
    const long = "x".repeat(300);
    expect(await run(`echo ${long} >&2; exit 2`)).toEqual({
      status: "fail",
      message: `CRITICAL: ${"x".repeat(200)}`,
    });
  });

  it("runs an argument list directly, with extra environment", async () => {
    const result = await run(["/bin/sh", "-c", 'echo "$GREETING $0"', "direct"], {
      GREETING: "hi",
    });
    expect(result).toEqual({ status: "ok", message: "OK: hi direct" });
  });

  it("fails when the command cannot start or is killed", async () => {
    expect(await run(["/no/such/plugin"])).toEqual({
      status: "fail",
      message: 'cannot run "/no/such/plugin": spawn /no/such/plugin ENOENT',
    });
    expect(await run("kill -SEGV $$")).toEqual({ status: "fail", message: "killed by SIGSEGV" });
  });

  it("kills the whole process group on abort", async () => {
    const pids = join(dir, "pids");
    const controller = new AbortController();
    const running = run(`sleep 100 & echo "$$ $!" > ${pids}; wait`, undefined, controller.signal);
    // The shell writes its pid and the background sleep's once both exist.
    await expect
      .poll(() => existsSync(pids) && readFileSync(pids, "utf8").endsWith("\n"))
      .toBe(true);
    const [shell = 0, grandchild = 0] = readFileSync(pids, "utf8").trim().split(" ").map(Number);
    strays.push(shell, grandchild);
    expect(isRunning(grandchild)).toBe(true);
    const started = performance.now();
    controller.abort();
    expect(await running).toEqual({
      status: "fail",
      message: `aborted; killed process group ${shell}`,
    });
    expect(performance.now() - started).toBeLessThan(50);
    await expect
      .poll(() => isRunning(shell) || isRunning(grandchild), { timeout: 2000 })
      .toBe(false);
  });

  it("does not wait for a background process that keeps its output open", async () => {
    const started = performance.now();
    const result = await run(`echo started; sleep 100 & echo $! > ${join(dir, "bg")}`);
    strays.push(Number(readFileSync(join(dir, "bg"), "utf8")));
    expect(result).toEqual({ status: "ok", message: "OK: started" });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
