import { execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileChecker, type FileProbeConfig } from "./file.js";
import { findProcesses, isRunning } from "./proc.test-helpers.js";
import { createStamp } from "./stamp.js";
import type { ProbeChecker } from "./types.js";

const ctx = { probeName: "recordings", hostname: "node-a", timeoutMs: 1000 };
const CHILD_NAME = "tandem-filechk";
let dir = "";
let stamp = "";
const checkers: ProbeChecker[] = [];

function checker(extra: Partial<FileProbeConfig> = {}): ProbeChecker {
  const created = createFileChecker({ kind: "file", stamp, write: true, ...extra }, ctx);
  checkers.push(created);
  return created;
}

const never = (): AbortSignal => new AbortController().signal;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tandem-file-"));
  stamp = join(dir, ".tandem-stamp");
});

afterEach(async () => {
  await Promise.all(checkers.splice(0).map((c) => c.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe("file probe", () => {
  it("passes and leaves a per-host test file with a fresh nonce", async () => {
    createStamp(stamp);
    const probe = checker();
    const first = await probe.check(never());
    expect(first.status).toBe("ok");
    expect(first.message).toMatch(
      new RegExp(`^stamp ${stamp} ok, wrote and read back ${dir}/\\.tandem-node-a in \\d+ ms$`),
    );
    const nonce = readFileSync(join(dir, ".tandem-node-a"), "utf8");
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect((await probe.check(never())).status).toBe("ok");
    expect(readFileSync(join(dir, ".tandem-node-a"), "utf8")).not.toBe(nonce);
  });

  it("fails when the stamp is missing", async () => {
    expect(await checker().check(never())).toEqual({
      status: "fail",
      message: `cannot read stamp: ENOENT: no such file or directory, open '${stamp}'`,
    });
  });

  it("compares the stamp with stampId", async () => {
    const { id } = createStamp(stamp);
    expect((await checker({ stampId: id, write: false }).check(never())).status).toBe("ok");
    expect(await checker({ stampId: "other", write: false }).check(never())).toEqual({
      status: "fail",
      message: `stamp ${stamp} has id "${id}" (expected "other")`,
    });
  });

  it("detects a stamp replaced by another file with the same content", async () => {
    createStamp(stamp);
    const probe = checker({ write: false });
    expect((await probe.check(never())).status).toBe("ok");
    const before = statSync(stamp).ino;
    copyFileSync(stamp, `${stamp}.new`);
    renameSync(`${stamp}.new`, stamp);
    const after = statSync(stamp).ino;
    expect(await probe.check(never())).toEqual({
      status: "fail",
      message: `stamp ${stamp} changed identity (inode ${before} → ${after}): another file system mounted?`,
    });
  });

  it("fails when the test file cannot be written", async () => {
    createStamp(stamp);
    const testDir = join(dir, "not-a-dir");
    writeFileSync(testDir, "");
    const result = await checker({ testDir }).check(never());
    expect(result).toEqual({
      status: "fail",
      message: `write test failed: ENOTDIR: not a directory, open '${testDir}/.tandem-node-a'`,
    });
  });

  it("kills a hung check without blocking the event loop, then recovers", async () => {
    execFileSync("mkfifo", [stamp]);
    const probe = checker({ write: false });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const controller = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 300);
    const hung = await probe.check(controller.signal);
    expect(performance.now() - abortedAt).toBeLessThan(50);
    clearInterval(ticker);
    expect(hung.status).toBe("fail");
    const pid = Number(/killed file-check child \(pid (\d+)\)/.exec(hung.message)?.[1]);
    expect(pid).toBeGreaterThan(0);
    // About 30 ticks in 300 ms: the parent's event loop ran while the child was stuck in open().
    expect(ticks).toBeGreaterThanOrEqual(15);
    // The killed child has not been reaped yet in this same turn of the event loop.
    expect(await probe.check(never())).toEqual({
      status: "fail",
      message: `previous check still hung (pid ${pid})`,
    });
    await expect.poll(() => isRunning(pid), { timeout: 2000 }).toBe(false);
    unlinkSync(stamp);
    createStamp(stamp);
    await expect
      .poll(async () => (await probe.check(never())).status, { timeout: 2000 })
      .toBe("ok");
  });

  it("kills its child on close", async () => {
    createStamp(stamp);
    const probe = checker();
    expect((await probe.check(never())).status).toBe("ok");
    const [child] = findProcesses((p) => p.ppid === process.pid && p.comm === CHILD_NAME);
    expect(child).toBeDefined();
    await probe.close();
    await probe.close();
    expect(isRunning(child?.pid ?? 0)).toBe(false);
    expect((await probe.check(never())).status).toBe("fail");
  });
});

describe("file probe from the compiled build", () => {
  const index = fileURLToPath(new URL("../../dist/probes/index.js", import.meta.url));
  const script = (keepAlive: boolean) => `
    import { createChecker, createStamp } from ${JSON.stringify(index)};
    const stamp = ${JSON.stringify("STAMP")};
    createStamp(stamp);
    const probe = createChecker({ kind: "file", stamp, write: true }, { probeName: "f", hostname: "dist", timeoutMs: 2000 });
    const result = await probe.check(AbortSignal.timeout(5000));
    console.log(JSON.stringify(result));
    ${keepAlive ? "setInterval(() => {}, 1000);" : ""}
  `;
  const run = (keepAlive: boolean) =>
    spawn(
      process.execPath,
      ["--input-type=module", "-e", script(keepAlive).replace("STAMP", stamp)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
  const firstLine = (child: ReturnType<typeof run>): Promise<string> =>
    new Promise((resolve) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
      });
    });

  it("runs the compiled child, and an idle child does not keep the agent alive", async () => {
    expect(existsSync(index)).toBe(true);
    const agent = run(false);
    const line = firstLine(agent);
    const code = await new Promise((resolve) => agent.on("exit", resolve));
    expect(JSON.parse(await line)).toMatchObject({ status: "ok" });
    expect(code).toBe(0);
  });

  it("the child exits when the agent is killed", async () => {
    const agent = run(true);
    try {
      expect(JSON.parse(await firstLine(agent))).toMatchObject({ status: "ok" });
      const [child] = findProcesses((p) => p.ppid === agent.pid && p.comm === CHILD_NAME);
      expect(child).toBeDefined();
      agent.kill("SIGKILL");
      await expect.poll(() => isRunning(child?.pid ?? 0), { timeout: 2000 }).toBe(false);
    } finally {
      agent.kill("SIGKILL");
    }
  });
});
