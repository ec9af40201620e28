import { describe, expect, it } from "vitest";
import { configProblems } from "./config.test-helpers.js";
import { parseConfigText } from "./load.js";

const SECRET = "0123456789abcdef-pair-secret";

function cluster(quorum: string, nodes = 2, mode = "hot-standby"): string {
  const lines = [
    "node: { name: a }",
    "cluster:",
    `  secret: ${SECRET}`,
    `  mode: ${mode}`,
    quorum,
    "  nodes:",
  ];
  for (let i = 1; i <= nodes; i++) {
    lines.push(`    - { name: ${"abcd"[i - 1]}, rank: ${i}, api: http://127.0.0.1:770${i} }`);
  }
  return lines.join("\n");
}

const ETCD = '  quorum: { kind: etcd, endpoints: ["http://127.0.0.1:2379"] }';

describe("cluster.quorum", () => {
  it("applies the lease defaults: 2 s TTL, keep-alive every 500 ms, 500 ms margin", async () => {
    const { config } = await parseConfigText(cluster(ETCD), "t.yaml");
    expect(config.cluster?.quorum).toEqual({
      kind: "etcd",
      endpoints: ["http://127.0.0.1:2379"],
      prefix: "/tandem/",
      lease: { ttl: 2000, keepAlive: 500, margin: 500 },
      fastTakeover: true,
    });
  });

  it("allows three or four nodes with a quorum", async () => {
    expect(await configProblems(cluster(ETCD, 3))).toEqual([]);
    expect(await configProblems(cluster(ETCD, 4))).toEqual([]);
  });

  it("says what is wrong with the lease timers, the mode and the endpoints, each located", async () => {
    const lease = (l: string) =>
      cluster(`  quorum: { kind: etcd, endpoints: ["http://127.0.0.1:2379"], lease: { ${l} } }`);
    expect(await configProblems(lease("ttl: 1500ms"))).toEqual([
      "t.yaml:5:77: cluster.quorum.lease.ttl: expected whole seconds (etcd counts lease TTLs in seconds), got 1500 ms",
    ]);
    expect(await configProblems(lease("ttl: 1s, margin: 600ms"))).toEqual([
      "t.yaml:5:89: cluster.quorum.lease.margin: ttl (1000 ms) must exceed keepAlive (500 ms) + margin (600 ms), or the holder gives up its key between two keep-alives",
    ]);
    expect(await configProblems(cluster(ETCD, 2, "active-active"))).toEqual([
      "t.yaml:4:9: cluster.mode: active-active cannot be used with a quorum: the quorum lets one node serve at a time; use hot-standby",
    ]);
    const none = await configProblems(cluster("  quorum: { kind: etcd, endpoints: [] }"));
    expect(none[0]).toContain("cluster.quorum.endpoints: expected at least one etcd endpoint");
    const bad = await configProblems(cluster('  quorum: { kind: etcd, endpoints: ["etcd:2379"] }'));
    expect(bad[0]).toContain('expected an etcd client URL such as "http://10.0.0.5:2379"');
  });
});
