import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProcessChecker } from "./process.js";

const ctx = { probeName: "asterisk", hostname: "test", timeoutMs: 1000 };
let dir = "";
const children: ChildProcess[] = [];

const byPidFile = (pidFile: string) =>
  createProcessChecker({ kind: "process", pidFile }, ctx).check(new AbortController().signal);
const byName = (name: string) =>
  createProcessChecker({ kind: "process", name }, ctx).check(new AbortController().signal);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tandem-process-"));
});

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("process probe", () => {
  it("passes for a live pid from a pid file", async () => {
    const pidFile = join(dir, "self.pid");
    writeFileSync(pidFile, `${process.pid}\n`);
    expect(await byPidFile(pidFile)).toEqual({
      status: "ok",
      message: `pid ${process.pid} from ${pidFile} is running`,
    });
  });

  it("fails for a pid that has exited", async () => {
    const child = spawn("true");
    const pid = child.pid;
    await new Promise((resolve) => child.on("exit", resolve));
    const pidFile = join(dir, "dead.pid");
    writeFileSync(pidFile, `${pid}`);
    expect(await byPidFile(pidFile)).toEqual({
      status: "fail",
      message: `pid ${pid} from ${pidFile} is not running`,
    });
  });

  it("fails for a missing or malformed pid file", async () => {
    const missing = await byPidFile(join(dir, "none.pid"));
    expect(missing.status).toBe("fail");
    expect(missing.message).toMatch(/^cannot read pid file: ENOENT/);
    const pidFile = join(dir, "bad.pid");
    writeFileSync(pidFile, "asterisk");
    expect(await byPidFile(pidFile)).toEqual({
      status: "fail",
      message: `pid file ${pidFile} does not hold a pid: "asterisk"`,
    });
  });

  it("finds a running process by name", async () => {
    const child = spawn("sleep", ["30"]);
    children.push(child);
    await new Promise((resolve) => child.on("spawn", resolve));
    const result = await byName("sleep");
    expect(result.status).toBe("ok");
    expect(result.message).toMatch(/process(es)? named "sleep" \(pid .*\)$/);
    expect(result.message).toContain(String(child.pid));
  });

  it("fails for a name no process has", async () => {
    expect(await byName("no-such-daemon")).toEqual({
      status: "fail",
      message: 'no process named "no-such-daemon"',
    });
  });
});
