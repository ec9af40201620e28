import { describe, expect, it } from "vitest";
import { parseConfigText } from "../config/load.js";
import { initialState } from "../engine/init.js";
import { engineOptions } from "./engine-options.js";
import { clusterStatus } from "./status.js";

const text = (quorum: string) => `node: { name: a }
cluster:
  secret: 0123456789abcdef0123
${quorum}  nodes:
    - { name: a, rank: 1, api: "http://10.0.0.1:7701" }
    - { name: b, rank: 2, api: "http://10.0.0.2:7701" }
`;

async function state(quorum: string) {
  const { config, clusterHash } = await parseConfigText(text(quorum), "a.yaml");
  if (!config.cluster || !clusterHash) throw new Error("expected a cluster section");
  return initialState(engineOptions(config.cluster, "a", clusterHash), null);
}

describe("clusterStatus", () => {
  it("shows the quorum's leader key as this node last saw it, and null without a quorum", async () => {
    expect(clusterStatus(await state("")).quorum).toBeNull();
    const s = await state('  quorum: { kind: etcd, endpoints: ["http://127.0.0.1:2379"] }\n');
    s.quorum = {
      holder: "b",
      revision: 42,
      held: false,
      validUntil: null,
      error: "etcd unreachable",
      freeSince: null,
    };
    expect(clusterStatus(s).quorum).toEqual({
      holder: "b",
      revision: 42,
      held: false,
      error: "etcd unreachable",
    });
  });
});
