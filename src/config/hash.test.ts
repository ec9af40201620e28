import { describe, expect, it } from "vitest";
import { canonicalJson, configHash } from "./hash.js";
import { parseConfigText } from "./load.js";

const hashOf = async (text: string) =>
  (await parseConfigText(text, "t.yaml", { hostname: "h" })).hash;

const BASE = `
node: { name: a }
probeDefaults:
  interval: 2s
probes:
  sip: { kind: tcp, port: 5060 }
  web:
    kind: http
    url: http://127.0.0.1/
    expectStatus: [200, 204]
`;

describe("configHash", () => {
  it("sorts keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });

  it("is the same however the file is laid out: key order, whitespace, comments, quoting, units", async () => {
    const reordered = `# same settings
probes:
  web:
    expectStatus:
      - 200
      - 204
    url: "http://127.0.0.1/"
    kind: http


  sip: {port: 5060, kind: 'tcp'}
probeDefaults: {interval: 2000}
node:
    name: a
`;
    expect(await hashOf(reordered)).toBe(await hashOf(BASE));
  });

  it("changes when a value changes, including array order", async () => {
    const base = await hashOf(BASE);
    expect(await hashOf(BASE.replace("5060", "5061"))).not.toBe(base);
    expect(await hashOf(BASE.replace("2s", "3s"))).not.toBe(base);
    expect(await hashOf(BASE.replace("[200, 204]", "[204, 200]"))).not.toBe(base);
  });

  it("is a sha256 hex digest", () => {
    expect(configHash({})).toBe("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  });
});
