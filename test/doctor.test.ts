/**
 * `tandem doctor` against a real pair of agent processes on loopback: both nodes' checks, the
 * pair's ports tried from each side, and the findings an operator must see (a stopped peer, a
 * cluster section that differs, a hook that cannot start).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import { type Pair, startPair } from "./helpers/pair.js";
import { runTandem, waitFor } from "./helpers/processes.js";

const cleanups = useCleanups();

interface Report {
  node: string;
  status: string;
  checks: Array<{ id: string; status: string; message: string; fix: string }>;
}

async function runningPair(hooks?: string): Promise<Pair> {
  const p = await startPair({ sip: true, ...(hooks ? { hooks } : {}) });
  cleanups.push(() => p.close());
  await p.startBoth();
  await p.settled();
  return p;
}

function byId(report: Report, id: string) {
  const found = report.checks.find((c) => c.id === id);
  if (!found)
    throw new Error(`no check ${id} in ${JSON.stringify(report.checks.map((c) => c.id))}`);
  return found;
}

describe("tandem doctor on a real pair", () => {
  it("checks both nodes and the pair; a pair without quorum or witness gets only that warning", async () => {
    const p = await runningPair();
    const r = await p.cli(["doctor", "--json"]);
    const report = JSON.parse(r.stdout) as Report;
    const notOk = report.checks.filter((c) => c.status !== "ok");
    // The one thing to tell this pair: a broken link between the nodes makes both serve.
    expect(
      notOk.map((c) => [c.id, c.status]),
      r.stdout,
    ).toEqual([
      ["a/quorum", "warn"],
      ["b/quorum", "warn"],
    ]);
    expect(r.code).toBe(1);
    for (const id of [
      "a/secret",
      "a/timers",
      "a/state-dir",
      "a/hooks",
      "a/probe-targets",
      "a/agent",
      "b/secret",
      "b/state-dir",
      "b/hooks",
      "b/agent",
      "pair/cluster-config",
      "pair/clock",
      "pair/reach-a-to-b",
      "pair/reach-b-to-a",
    ]) {
      expect(byId(report, id).status, id).toBe("ok");
    }
    // Each side tried the other's API and both SIP transports.
    expect(byId(report, "pair/reach-b-to-a").message).toMatch(
      new RegExp(
        `API 127\\.0\\.0\\.1:${p.ports.a}, SIP udp 127\\.0\\.0\\.1:${p.sipPorts?.a}, SIP tcp`,
      ),
    );
    expect(byId(report, "pair/reach-a-to-b").message).toMatch(/SIP udp .*SIP tcp/);

    const text = await p.cli(["doctor"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^OK {4}a\/secret/m);
    expect(text.stdout).toMatch(/^WARN {2}a\/quorum {13}no quorum and no witness/m);
    expect(text.stdout).toMatch(/doctor on a: \d+ OK, 2 WARN, 0 FAIL/);

    // The Nagios plugin agrees: one node serves.
    const nagios = await runTandem(["check", "--url", `http://127.0.0.1:${p.ports.b}`]);
    expect(nagios.stdout).toMatch(
      /^TANDEM OK - b STANDBY, a ACTIVE serving \(term \d+\) \| serving_nodes=1;;;0;2 serving=0;;;0;1 peer_reachable=1;;;0;1 /,
    );
    expect(nagios.code).toBe(0);
  }, 120_000);

  it("FAILs with a fix when the peer is down, a hook cannot start, or the cluster sections differ", async () => {
    const p = await runningPair("  standby:\n    - command: /nonexistent/tandem-hook --flag\n");
    const r = await p.cli(["doctor", "--json"]);
    expect(r.code, r.stdout).toBe(2);
    const report = JSON.parse(r.stdout) as Report;
    expect(byId(report, "a/hooks")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /hook "standby" #1: "\/nonexistent\/tandem-hook" is not an executable file/,
      ),
      fix: expect.stringMatching(/chmod \+x/),
    });
    // b's agent runs the same check with its own (identical here) hooks.
    expect(byId(report, "b/hooks").status).toBe("fail");

    // A cluster section that differs on a (its config file only; b's agent runs the old one).
    const changed = readFileSync(p.config.a, "utf8").replace("profile: fast", "profile: lan");
    writeFileSync(p.config.a, changed);
    const diff = JSON.parse((await p.cli(["doctor", "--json"])).stdout) as Report;
    expect(byId(diff, "pair/cluster-config")).toMatchObject({
      status: "fail",
      message: expect.stringContaining('profile: "lan" here, "fast" on b'),
    });

    await p.kill("b");
    const down = await p.cli(["doctor", "--json"]);
    expect(down.code).toBe(2);
    const d = JSON.parse(down.stdout) as Report;
    expect(byId(d, "b/agent")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /cannot ask b's agent at http:\/\/127\.0\.0\.1:\d+: connection refused/,
      ),
    });

    // Nagios: a still serves but has lost its peer (WARNING); b's agent does not answer (UNKNOWN).
    await waitFor(
      async () => (await runTandem(["check", "--url", `http://127.0.0.1:${p.ports.a}`])).code === 1,
      20_000,
      "tandem check WARNING on a",
    );
    const warn = await runTandem(["check", "--url", `http://127.0.0.1:${p.ports.a}`]);
    expect(warn.stdout).toMatch(
      /^TANDEM WARNING - peer "b" unreachable .*\| .*peer_reachable=0;;;0;1/,
    );
    const unknown = await runTandem(["check", "--url", `http://127.0.0.1:${p.ports.b}`]);
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toMatch(
      /^TANDEM UNKNOWN - Cannot reach the agent at http:\/\/127\.0\.0\.1:\d+/,
    );
  }, 120_000);

  it("answers --help and reports a missing config as a usage problem", async () => {
    const help = await runTandem(["doctor", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes: 0 every check OK, 1 a WARN, 2 a FAIL/);
    const missing = await runTandem(["doctor", "--config", "/nonexistent/tandem.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read configuration file "\/nonexistent\/tandem.yaml"/);
  }, 60_000);
});
