import { describe, expect, it } from "vitest";
import { clusterSchema } from "../config/schema.js";
import { clusterMatchCheck, diffClusters, redactCluster } from "./cluster-diff.js";

const base = {
  secret: "first-secret-of-enough-length",
  nodes: [
    { name: "a", rank: 1, api: "http://10.0.0.11:7701" },
    { name: "b", rank: 2, api: "http://10.0.0.12:7701" },
  ],
};

describe("cluster sections of both nodes", () => {
  it("shows each difference with both values, the secret only as 'differs'", () => {
    const here = redactCluster(clusterSchema.parse(base));
    const there = redactCluster(
      clusterSchema.parse({
        ...base,
        secret: "other-secret-of-enough-length",
        profile: "wan",
        nodes: [base.nodes[0], { name: "b", rank: 2, api: "http://10.0.0.13:7701" }],
      }),
    );
    expect(here.secret).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(diffClusters(here, there, "b")).toEqual([
      'nodes[1].api: "http://10.0.0.12:7701" here, "http://10.0.0.13:7701" on b',
      'profile: "lan" here, "wan" on b',
      "secret: differs (not shown)",
    ]);
    const check = clusterMatchCheck("a", here, "b", there);
    expect(check.status).toBe("fail");
    expect(JSON.stringify(check)).not.toContain("first-secret");
    expect(clusterMatchCheck("a", here, "b", here).status).toBe("ok");
  });
});
