/**
 * The Prometheus rules shipped in docs/alerting.md, checked by Prometheus' own `promtool`
 * (installed by scripts/test-deps.sh): the block is valid, and the main alerts fire on the
 * series an agent exposes for the situation they describe.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT, tempDir, writeFile } from "./helpers/processes.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** The first ```yaml block after the "## Alert rules" heading of docs/alerting.md. */
function rulesFromDoc(): string {
  const doc = readFileSync(join(ROOT, "docs/alerting.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Alert rules"));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error("docs/alerting.md has no yaml block under ## Alert rules");
  return match[1];
}

function promtool(args: string[], cwd: string) {
  const r = spawnSync("/usr/bin/promtool", args, { cwd, encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error; // promtool missing: scripts/test-deps.sh installs it
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("docs/alerting.md rules", () => {
  it("pass promtool check rules", () => {
    const { dir, remove } = tempDir("tandem-rules-");
    cleanups.push(remove);
    writeFile(dir, "tandem.yml", rulesFromDoc());
    const r = promtool(["check", "rules", "tandem.yml"], dir);
    expect(r.out).toMatch(/SUCCESS: 11 rules found/);
    expect(r.code).toBe(0);
  });

  it("fire on the series of a pair with no node serving, a lost peer and a waiting fence", () => {
    const { dir, remove } = tempDir("tandem-rules-");
    cleanups.push(remove);
    writeFile(dir, "tandem.yml", rulesFromDoc());
    const a = 'instance="a:9701", job="tandem", pair="pbx"';
    const b = 'instance="b:9701", job="tandem", pair="pbx"';
    writeFile(
      dir,
      "tandem-test.yml",
      `rule_files: [tandem.yml]
evaluation_interval: 5s
tests:
  - interval: 5s
    input_series:
      # a serves until the 6th sample, then nobody; b was fenced by a and waits.
      - series: 'tandem_node_serving{${a}}'
        values: '1 1 1 1 1 1 0 0 0 0 0 0 0 0'
      - series: 'tandem_node_serving{${b}}'
        values: '0 0 0 0 0 0 0 0 0 0 0 0 0 0'
      - series: 'tandem_peer_reachable{${a}, peer="b"}'
        values: '1 1 0 0 0 0 0 0 0 0 0 0 0 0'
      - series: 'tandem_fence_flag{${b}, flag="peerFenced"}'
        values: '1x80'
      - series: 'tandem_fence_flag{${b}, flag="selfFenced"}'
        values: '0x80'
    alert_rule_test:
      - eval_time: 20s
        alertname: TandemNoNodeServing
        exp_alerts: []
      - eval_time: 60s
        alertname: TandemNoNodeServing
        exp_alerts:
          - exp_labels: { severity: critical, pair: pbx }
            exp_annotations:
              summary: "Pair pbx: no node takes calls"
              description: "Neither node serves. Run \`tandem status\` and \`tandem doctor\` on a node; \`tandem recover\` brings a fenced primary back."
      - eval_time: 60s
        alertname: TandemPeerUnreachable
        exp_alerts:
          - exp_labels: { severity: warning, instance: "a:9701", job: tandem, pair: pbx, peer: b }
            exp_annotations:
              summary: "a:9701 cannot reach its peer b"
              description: "Heartbeats to the peer fail: one more failure and nobody can take over."
      - eval_time: 6m
        alertname: TandemFenceWaitsForRecovery
        exp_alerts:
          - exp_labels: { severity: warning, instance: "b:9701", pair: pbx }
            exp_annotations:
              summary: "b:9701 is fenced and waits for an operator"
              description: "After a failover the old node stays fenced (manual failback). Run \`tandem recover --config FILE\` when it is healthy again."
  - interval: 5s
    input_series:
      - series: 'tandem_node_serving{${a}}'
        values: '1x10'
      - series: 'tandem_node_serving{${b}}'
        values: '0 0 1 1 1 1 1 1 1 1 1'
    alert_rule_test:
      - eval_time: 30s
        alertname: TandemBothServing
        exp_alerts:
          - exp_labels: { severity: critical, pair: pbx }
            exp_annotations:
              summary: "Pair pbx: both nodes take calls"
              description: "Two nodes serve at once (split brain). Check the network between them and \`tandem status\` on both."
`,
    );
    const r = promtool(["test", "rules", "tandem-test.yml"], dir);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });
});
