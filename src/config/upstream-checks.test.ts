import { describe, expect, it } from "vitest";
import { configProblems } from "./config.test-helpers.js";

const SECRET = "0123456789abcdef-pair-secret";

function pairWithPush(peers: string): string {
  return [
    "node: { name: a }",
    "cluster:",
    `  secret: ${SECRET}`,
    "  nodes:",
    '    - { name: a, rank: 1, api: "http://127.0.0.1:17701" }',
    '    - { name: b, rank: 2, api: "http://127.0.0.1:17702" }',
    "upstream:",
    "  kamailio:",
    `    - { url: "http://127.0.0.1:5080/RPC", setid: 1, destination: "sip:10.0.0.11:5070", peers: ${peers} }`,
  ].join("\n");
}

describe("upstream section checks", () => {
  it("accepts peers that name the other cluster nodes", async () => {
    expect(await configProblems(pairWithPush('{ b: "sip:10.0.0.12:5070" }'))).toEqual([]);
  });

  it("names a misspelt peer, and this node's own name, where they are written", async () => {
    const problems = await configProblems(
      pairWithPush('{ bb: "sip:10.0.0.12:5070", a: "sip:10.0.0.11:5070" }'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^t\.yaml:9:\d+: upstream\.kamailio\[0\]\.peers\.bb: unknown node "bb" \(the other cluster nodes: b\)$/,
      ),
      expect.stringMatching(
        /^t\.yaml:9:\d+: upstream\.kamailio\[0\]\.peers\.a: "a" is this node \(the other cluster nodes: b\)$/,
      ),
    ]);
  });
});
