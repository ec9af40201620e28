/**
 * The README's demo story, run for real: `npm start` (scripts/demo.js) brings node "a" up on
 * 127.0.0.1:7701, `tandem status` answers, the maintenance file fails the "pbx" probe and
 * removing it brings the node back.
 */
import { spawn } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runTandem, waitFor } from "./helpers/processes.js";

const URL = "http://127.0.0.1:7701";
const maintenance = join(ROOT, "var/demo/a/maintenance");

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
    if (existsSync(maintenance)) rmSync(maintenance);
    demo.kill("SIGTERM");
    await exited;
  });

  it("runs node a on :7701; status, a failing critical probe, recovery and a clean stop", async () => {
    await waitFor(
      async () => (await fetch(`${URL}/monitor/role`)).status === 200,
      20_000,
      `demo ACTIVE\n${output}`,
    );
    const status = await runTandem(["status", "--url", URL]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Node a {2}ACTIVE {2}healthy/);
    for (const probe of ["pbx", "spool", "api-self", "root-disk", "load", "memory"]) {
      expect(status.stdout).toMatch(new RegExp(`\\n${probe}\\s`));
    }

    writeFileSync(maintenance, "");
    await waitFor(
      async () => (await fetch(`${URL}/monitor/role`)).status === 503,
      10_000,
      "STANDBY",
    );
    const app = await fetch(`${URL}/monitor/app`);
    expect(await app.text()).toBe("APP=FAIL pbx\n");

    rmSync(maintenance);
    await waitFor(
      async () => (await fetch(`${URL}/monitor/role`)).status === 200,
      10_000,
      "ACTIVE again",
    );
    const messages = output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain(
      'resource "pbx" is down (critical): CRITICAL: PBX CRITICAL - maintenance file present (2 failed checks)',
    );
    expect(messages.some((m) => /^resource "pbx" is back after [\d.]+ s$/.test(m))).toBe(true);

    demo.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
