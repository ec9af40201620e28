/**
 * The README's demo story, run for real: `npm start` (scripts/demo.js) brings up the pair —
 * "a" ACTIVE on 127.0.0.1:7701, "b" STANDBY on :7702 — `tandem status` answers, and killing
 * the primary moves the role to "b".
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runTandem, waitFor } from "./helpers/processes.js";

const A = "http://127.0.0.1:7701";
const B = "http://127.0.0.1:7702";
const role = async (base: string): Promise<number> => (await fetch(`${base}/monitor/role`)).status;

describe("npm start demo", () => {
  const demo = spawn(process.execPath, [join(ROOT, "scripts/demo.js")], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  demo.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  demo.stderr.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => demo.on("exit", (code) => resolve(code)));

  afterAll(async () => {
    demo.kill("SIGTERM");
    await exited;
  });

  it("runs the pair; status answers; killing the primary moves the role to b; Ctrl-C stops it", async () => {
    await waitFor(async () => (await role(A)) === 200, 20_000, `a ACTIVE\n${output}`);
    await waitFor(async () => (await fetch(`${B}/v1/status`)).ok, 10_000, "b up");
    expect(await role(B)).toBe(503);

    const status = await runTandem(["status", "--url", A]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Node a {2}ACTIVE {2}healthy/);
    expect(status.stdout).toMatch(/pair \(hot-standby\): rank 1, term \d+/);
    expect(status.stdout).toMatch(/peer b \(rank 2\): STANDBY, healthy/);
    expect(status.stdout).toMatch(/\n {2}flags: normal: /);
    for (const probe of ["pbx", "spool", "api-self", "root-disk", "load", "memory"]) {
      expect(status.stdout).toMatch(new RegExp(`\\n${probe}\\s`));
    }

    const pidA = Number(readFileSync(join(ROOT, "var/demo/a/agent.pid"), "utf8"));
    process.kill(pidA, "SIGKILL");
    await waitFor(async () => (await role(B)) === 200, 10_000, "b ACTIVE");
    const messages = output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; node?: string });
    expect(messages.some((m) => m.node === "b" && /peer "a" unreachable 3\/3/.test(m.msg))).toBe(
      true,
    );

    demo.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
