import { describe, expect, it } from "vitest";
import { parseConfigText } from "../config/load.js";
import { engineOptions } from "./engine-options.js";

describe("engineOptions", () => {
  it("maps the cluster section for each node, with the profile's timers and overrides", async () => {
    const text = `node: { name: b }
cluster:
  secret: 0123456789abcdef0123
  mode: active-active
  profile: fast
  heartbeat: { fall: 4 }
  failback: { mode: auto, rise: 5, minStable: 30s }
  witness: { kind: load-balancer, url: "http://10.0.0.10/monitor/live" }
  nodes:
    - { name: a, rank: 1, api: "http://10.0.0.1:7701" }
    - { name: b, rank: 2, api: "http://10.0.0.2:7701" }
`;
    const { config, clusterHash } = await parseConfigText(text, "b.yaml");
    if (!config.cluster || !clusterHash) throw new Error("expected a cluster section");
    expect(engineOptions(config.cluster, "b", clusterHash)).toEqual({
      self: { name: "b", rank: 2 },
      peers: [{ name: "a", rank: 1 }],
      clusterMode: "active-active",
      heartbeat: { intervalMs: 100, timeoutMs: 80, fall: 4, rise: 3 },
      failback: { mode: "auto", rise: 5, minStableMs: 30_000 },
      witness: { kind: "load-balancer" },
      configHash: clusterHash,
      onActiveHookFailure: "stay",
      quorum: null,
    });
  });

  it("maps a quorum: fast takeover, and a free-key grace of 2 × fall × interval", async () => {
    const text = `node: { name: c }
cluster:
  secret: 0123456789abcdef0123
  profile: fast
  quorum: { kind: etcd, endpoints: ["http://127.0.0.1:2379"], fastTakeover: false }
  nodes:
    - { name: a, rank: 1, api: "http://10.0.0.1:7701" }
    - { name: b, rank: 2, api: "http://10.0.0.2:7701" }
    - { name: c, rank: 3, api: "http://10.0.0.3:7701" }
`;
    const { config, clusterHash } = await parseConfigText(text, "c.yaml");
    if (!config.cluster || !clusterHash) throw new Error("expected a cluster section");
    const options = engineOptions(config.cluster, "c", clusterHash);
    expect(options.peers).toEqual([
      { name: "a", rank: 1 },
      { name: "b", rank: 2 },
    ]);
    expect(options.quorum).toEqual({ fastTakeover: false, freeGraceMs: 600 });
  });
});
