import { describe, expect, it } from "vitest";
import { configProblems } from "./config.test-helpers.js";
import { parseConfigText } from "./load.js";

const SECRET = "0123456789abcdef-pair-secret";

function pair(api: string, scheme = "http"): string {
  return [
    "node: { name: a }",
    `api: ${api}`,
    "cluster:",
    `  secret: ${SECRET}`,
    "  nodes:",
    `    - { name: a, rank: 1, api: "${scheme}://127.0.0.1:7701" }`,
    `    - { name: b, rank: 2, api: "${scheme}://127.0.0.1:7702" }`,
  ].join("\n");
}

const TLS = "{ tls: { cert: a.crt, key: a.key, ca: ca.crt } }";

describe("api section checks", () => {
  it("defaults: headers in 2 s, requests in 5 s, 1000 connections, no TLS", async () => {
    const { config } = await parseConfigText("probes: {}", "t.yaml");
    expect(config.api).toEqual({
      listen: "127.0.0.1:7701",
      bodyLimit: 65_536,
      requestTimeout: 5000,
      headersTimeout: 2000,
      maxConnections: 1000,
      maxEventStreams: 500,
      clientPaths: [],
    });
  });

  it("resolves the TLS files against the configuration's directory", async () => {
    const { config } = await parseConfigText(pair(TLS, "https"), "/etc/tandem/a.yaml", {
      baseDir: "/etc/tandem",
    });
    expect(config.api.tls).toEqual({
      cert: "/etc/tandem/a.crt",
      key: "/etc/tandem/a.key",
      ca: "/etc/tandem/ca.crt",
      requireClientCert: false,
    });
  });

  it("refuses a header timeout longer than the request timeout", async () => {
    expect(await configProblems("api: { headersTimeout: 6s }")).toEqual([
      "t.yaml:1:24: api.headersTimeout: expected at most api.requestTimeout (5000 ms), got 6000 ms",
    ]);
  });

  it("refuses more event streams than half the connections", async () => {
    expect(await configProblems("api: { maxConnections: 1000, maxEventStreams: 600 }")).toEqual([
      "t.yaml:1:47: api.maxEventStreams: expected at most half of api.maxConnections (1000), got 600: each stream's client may hold a second connection for its follow reports, and the peer, probes and operators need connections too; raise api.maxConnections to 1200 or more",
    ]);
    expect(await configProblems("api: { maxConnections: 1200, maxEventStreams: 600 }")).toEqual([]);
  });

  it("refuses client certificates without a CA to check them against", async () => {
    const problems = await configProblems(
      pair("{ tls: { cert: a.crt, key: a.key, requireClientCert: true } }", "https"),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^t\.yaml:2:\d+: api\.tls\.requireClientCert: expected api\.tls\.ca too: client certificates are checked against that CA file$/,
      ),
    ]);
  });

  it("refuses a scheme for this node that does not match api.tls, both ways", async () => {
    expect(await configProblems(pair("{}", "https"))).toEqual([
      expect.stringMatching(
        /cluster\.nodes\[0\]\.api: this node's URL is https:\/\/127\.0\.0\.1:7701 but api\.tls is not set: the API would serve plain HTTP; set api\.tls or use http:\/\/$/,
      ),
    ]);
    expect(await configProblems(pair(TLS, "http"))).toEqual([
      expect.stringMatching(
        /cluster\.nodes\[0\]\.api: this node's URL is http:\/\/127\.0\.0\.1:7701 but api\.tls is set: the API serves HTTPS; use https:\/\/$/,
      ),
    ]);
  });
});
