import { describe, expect, it } from "vitest";
import type { StatusDocument } from "../api/status-types.js";
import type { NodeReading } from "./pair-client.js";
import { choosePair, RECOVER_STEPS, recovered, stepTitle } from "./recover.js";

const noFlags = { selfFenced: null, peerFenced: null, suspended: null, fencingPeer: null };

function reading(
  name: string,
  rank: number,
  mode: string,
  options: { serving?: boolean; flags?: Partial<typeof noFlags> | object } = {},
): NodeReading {
  const status = {
    node: { name, mode, serving: options.serving ?? mode === "ACTIVE" },
    cluster: { term: 3, flags: { ...noFlags, ...options.flags }, peers: [] },
    probes: [],
  } as unknown as StatusDocument;
  return { name, rank, status, error: null };
}

describe("recover: choosing the nodes", () => {
  it("recovers the node that is not ACTIVE from the one that is", () => {
    const nodes = [reading("a", 1, "PEER_FENCED"), reading("b", 2, "ACTIVE")];
    expect(choosePair(nodes, undefined)).toEqual({ recovering: "a", survivor: "b" });
  });

  it("refuses when a node does not answer, naming it and why", () => {
    const nodes: NodeReading[] = [
      { name: "a", rank: 1, status: null, error: "ECONNREFUSED" },
      reading("b", 2, "ACTIVE"),
    ];
    expect(() => choosePair(nodes, undefined)).toThrow(/"a" does not answer \(ECONNREFUSED\)/);
  });

  it("refuses with no ACTIVE node, pointing at tandem activate", () => {
    const nodes = [reading("a", 1, "STANDBY"), reading("b", 2, "SELF_FENCED")];
    expect(() => choosePair(nodes, undefined)).toThrow(
      /expected exactly one ACTIVE node, found 0 .*tandem activate NODE/,
    );
  });

  it("refuses to 'recover' the node that already carries the calls", () => {
    const nodes = [reading("a", 1, "STANDBY"), reading("b", 2, "ACTIVE")];
    expect(() => choosePair(nodes, "b")).toThrow(/"b" is the ACTIVE node/);
  });
});

describe("recover: done when", () => {
  it("the node serves alone and no flag is left on either node", () => {
    const done = [reading("a", 1, "ACTIVE"), reading("b", 2, "STANDBY")];
    expect(recovered(done, "a")).toBe(true);
    const suspended = [
      reading("a", 1, "ACTIVE"),
      reading("b", 2, "STANDBY", { flags: { suspended: { by: "x", since: 1 } } }),
    ];
    expect(recovered(suspended, "a")).toBe(false);
    const holding = [reading("a", 1, "ACTIVE", { serving: false }), reading("b", 2, "STANDBY")];
    expect(recovered(holding, "a")).toBe(false);
  });

  it("has a title for every step that names both nodes where they matter", () => {
    for (const step of RECOVER_STEPS) expect(stepTitle(step, "a", "b").length).toBeGreaterThan(10);
    expect(stepTitle("handback", "a", "b")).toBe('hand traffic back: "b" switches over to "a"');
  });
});
