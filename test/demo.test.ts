/**
 * The README's demo story, run for real: `npm start` (scripts/demo.js) brings up the pair —
 * "a" ACTIVE, "b" STANDBY, their SIP responders — `tandem status` answers, killing the primary
 * moves the role to "b", and after "a" is started again `tandem recover` hands the role back.
 * The demo runs on free ports in a temporary directory (`--dir`, `--ports`), so the test never
 * touches a demo someone is running on the default ports in this checkout or another.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, ROOT, runTandem, startTandem, tempDir, waitFor } from "./helpers/processes.js";
import { sipOptions } from "./helpers/sip.js";
import { freeSipPort } from "./helpers/sipp.js";

const role = async (base: string): Promise<number> => (await fetch(`${base}/monitor/role`)).status;

describe("npm start demo", () => {
  const scratch = tempDir("tandem-demo-");
  let apiA = 0;
  let apiB = 0;
  let sipA = 0;
  let sipB = 0;
  let A = "";
  let B = "";
  beforeAll(async () => {
    apiA = await freePort();
    apiB = await freePort();
    sipA = await freeSipPort();
    sipB = await freeSipPort();
    A = `http://127.0.0.1:${apiA}`;
    B = `http://127.0.0.1:${apiB}`;
    demo = spawn(
      process.execPath,
      [
        join(ROOT, "scripts/demo.js"),
        "--dir",
        scratch.dir,
        "--ports",
        [apiA, apiB, sipA, sipB].join(","),
      ],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    demo.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    demo.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    exited = new Promise<number | null>((resolve) => demo.on("exit", (code) => resolve(code)));
  });
  let demo: ChildProcess;
  let output = "";
  let exited: Promise<number | null> = Promise.resolve(null);

  afterAll(async () => {
    demo.kill("SIGTERM");
    await exited;
    scratch.remove();
  });

  it("runs the pair; status answers; killing the primary moves the role to b; recover brings it back", async () => {
    await waitFor(async () => (await role(A)) === 200, 60_000, `a ACTIVE\n${output}`);
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

    // The upstream's view over SIP: the active answers 200, the standby 503.
    expect(await sipOptions(sipA)).toBe(200);
    expect(await sipOptions(sipB)).toBe(503);

    const pidA = Number(readFileSync(join(scratch.dir, "a/agent.pid"), "utf8"));
    process.kill(pidA, "SIGKILL");
    await waitFor(async () => (await role(B)) === 200, 10_000, "b ACTIVE");
    await waitFor(async () => (await sipOptions(sipB)) === 200, 5000, "b answering 200 over SIP");
    expect(await sipOptions(sipA, 300)).toBeNull();
    const messages = output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; node?: string });
    expect(messages.some((m) => m.node === "b" && /peer "a" unreachable 3\/3/.test(m.msg))).toBe(
      true,
    );

    // The repaired primary comes back and stays out until the operator recovers it.
    const a = startTandem(["agent", "--config", join(scratch.dir, "a.yaml")]);
    try {
      await waitFor(
        async () =>
          !["STARTING"].includes(
            ((await (await fetch(`${A}/v1/status`)).json()) as { node: { mode: string } }).node
              .mode,
          ),
        10_000,
        "a back",
      );
      expect(await role(A)).toBe(503);
      const recover = await runTandem(
        ["recover", "--config", join(scratch.dir, "a.yaml"), "--yes", "--by", "demo-test"],
        { timeoutMs: 60_000 },
      );
      expect(recover.code, `${recover.stdout}\n${recover.stderr}`).toBe(0);
      expect(recover.stdout).toMatch(/Recovered: "a" is ACTIVE, "b" stands by/);
      expect(await role(A)).toBe(200);
      expect(await role(B)).toBe(503);
      expect(await sipOptions(sipA)).toBe(200);
    } finally {
      a.child.kill("SIGTERM");
      await a.exited.catch(() => undefined);
    }

    demo.kill("SIGINT");
    expect(await exited).toBe(0);
    // A clean start is clean: no error line, no stack trace, and the banner with both URLs.
    expect(output).toContain(`a (primary)    ${A}`);
    expect(output).toContain(`b (secondary)  ${B}`);
    const errors = output.split("\n").filter((l) => /"level":"error"|\n\s+at |Error:/.test(l));
    expect(errors).toEqual([]);
  }, 120_000);
});
