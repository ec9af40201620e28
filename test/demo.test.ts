/**
 * The README's demo story, run for real: `npm start` (scripts/demo.js) brings up the pair —
 * "a" ACTIVE on 127.0.0.1:7701, "b" STANDBY on :7702, their SIP responders on :5071 and
 * :5072 — `tandem status` answers, killing the primary moves the role to "b", and after "a"
 * is started again `tandem recover` hands the role back.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runTandem, startTandem, waitFor } from "./helpers/processes.js";
import { sipOptions } from "./helpers/sip.js";

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

  it("runs the pair; status answers; killing the primary moves the role to b; recover brings it back", async () => {
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

    // The upstream's view over SIP: the active answers 200, the standby 503.
    expect(await sipOptions(5071)).toBe(200);
    expect(await sipOptions(5072)).toBe(503);

    const pidA = Number(readFileSync(join(ROOT, "var/demo/a/agent.pid"), "utf8"));
    process.kill(pidA, "SIGKILL");
    await waitFor(async () => (await role(B)) === 200, 10_000, "b ACTIVE");
    await waitFor(async () => (await sipOptions(5072)) === 200, 5000, "b answering 200 over SIP");
    expect(await sipOptions(5071, 300)).toBeNull();
    const messages = output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; node?: string });
    expect(messages.some((m) => m.node === "b" && /peer "a" unreachable 3\/3/.test(m.msg))).toBe(
      true,
    );

    // The repaired primary comes back and stays out until the operator recovers it.
    const a = startTandem(["agent", "--config", "examples/pair/a.yaml"]);
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
        ["recover", "--config", "examples/pair/a.yaml", "--yes", "--by", "demo-test"],
        { timeoutMs: 60_000 },
      );
      expect(recover.code, `${recover.stdout}\n${recover.stderr}`).toBe(0);
      expect(recover.stdout).toMatch(/Recovered: "a" is ACTIVE, "b" stands by/);
      expect(await role(A)).toBe(200);
      expect(await role(B)).toBe(503);
      expect(await sipOptions(5071)).toBe(200);
    } finally {
      a.child.kill("SIGTERM");
      await a.exited.catch(() => undefined);
    }

    demo.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
