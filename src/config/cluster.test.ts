import { describe, expect, it } from "vitest";
import { configProblems } from "./config.test-helpers.js";
import { parseConfigText } from "./load.js";

const SECRET = "0123456789abcdef-pair-secret";

function pair(node: string, overrides = ""): string {
  return [
    `node: { name: ${node} }`,
    "cluster:",
    `  secret: ${SECRET}`,
    "  nodes:",
    "    - { name: a, rank: 1, api: http://127.0.0.1:7701 }",
    "    - { name: b, rank: 2, api: http://127.0.0.1:7702 }",
    overrides,
  ].join("\n");
}

describe("cluster section", () => {
  it("applies defaults: hot-standby, lan profile, manual failback", async () => {
    const { config } = await parseConfigText(pair("a"), "t.yaml");
    expect(config.cluster).toMatchObject({
      mode: "hot-standby",
      profile: "lan",
      failback: { mode: "manual", rise: 10, minStable: 60_000 },
      onActiveHookFailure: "stay",
      heartbeat: {},
    });
  });

  it("gives both nodes the same cluster hash, and a different one when a timer differs", async () => {
    const a = await parseConfigText(pair("a"), "a.yaml");
    const b = await parseConfigText(pair("b"), "b.yaml");
    expect(a.clusterHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.clusterHash).toBe(b.clusterHash);
    expect(a.hash).not.toBe(b.hash);
    const other = await parseConfigText(pair("b", "  heartbeat: { fall: 5 }"), "b.yaml");
    expect(other.clusterHash).not.toBe(a.clusterHash);
    expect((await parseConfigText("probes: {}", "x.yaml")).clusterHash).toBeNull();
  });

  it("rejects a node that is not in the pair, repeated ranks and a short secret, each located", async () => {
    const text = [
      "node: { name: c }",
      "cluster:",
      "  secret: short",
      "  nodes:",
      "    - { name: a, rank: 1, api: http://10.0.0.1:7701 }",
      "    - { name: b, rank: 1, api: http://10.0.0.2:7701 }",
    ].join("\n");
    expect(await configProblems(text)).toEqual([
      "t.yaml:3:11: cluster.secret: expected a shared secret of at least 16 characters, got a string (not shown)",
    ]);
    expect(await configProblems(text.replace("secret: short", `secret: ${SECRET}`))).toEqual([
      't.yaml:5:5: cluster.nodes: this node "c" is not one of the cluster nodes (a, b); set node.name to one of them',
      "t.yaml:6:24: cluster.nodes[1].rank: rank 1 is also node 1's; ranks must differ",
    ]);
  });

  it("accepts exactly two nodes without a quorum and names the allowed modes and profiles", async () => {
    const three = pair("a").replace(
      "    - { name: b, rank: 2, api: http://127.0.0.1:7702 }",
      "    - { name: b, rank: 2, api: http://127.0.0.1:7702 }\n    - { name: c, rank: 3, api: http://127.0.0.1:7703 }",
    );
    expect((await configProblems(three))[0]).toContain(
      "cluster.nodes: 3 nodes need a quorum (cluster.quorum); without one a cluster is exactly two nodes",
    );
    const badProfile = await configProblems(pair("a", "  profile: turbo"));
    expect(badProfile[0]).toMatch(/cluster\.profile: .*fast.*lan.*wan/);
  });
});
