import { describe, expect, it } from "vitest";
import { configProblems } from "./config.test-helpers.js";
import { parseConfigText } from "./load.js";

describe("sip section", () => {
  it("applies defaults to each listener", async () => {
    const { config } = await parseConfigText("sip:\n  listeners:\n    - {}\n", "t.yaml");
    expect(config.sip).toEqual({
      listeners: [
        {
          address: "0.0.0.0",
          port: 5060,
          transports: ["udp", "tcp"],
          whenNotServing: "reject",
          retryAfter: 30,
        },
      ],
    });
    expect((await parseConfigText("probes: {}", "t.yaml")).config.sip).toBeUndefined();
  });

  it("accepts several listeners on other addresses, ports and transports", async () => {
    const text = [
      "sip:",
      "  listeners:",
      "    - { address: 10.0.0.11, port: 5070, whenNotServing: silent, retryAfter: 0 }",
      "    - { address: '::', port: 5070, transports: [tcp] }",
      "    - { address: 10.0.0.11, port: 5071, transports: [udp] }",
    ].join("\n");
    const { config } = await parseConfigText(text, "t.yaml");
    expect(config.sip?.listeners.map((l) => [l.address, l.port, l.transports])).toEqual([
      ["10.0.0.11", 5070, ["udp", "tcp"]],
      ["::", 5070, ["tcp"]],
      ["10.0.0.11", 5071, ["udp"]],
    ]);
  });

  it("locates bad values with what was expected", async () => {
    const text = [
      "sip:",
      "  listeners:",
      "    - address: pbx.example.com",
      "      port: 70000",
      "      transports: [udp, sctp]",
      "      whenNotServing: ignore",
      "      retryAfter: -1",
    ].join("\n");
    const found = await configProblems(text);
    expect(found).toHaveLength(5);
    expect(found[0]).toBe(
      't.yaml:3:16: sip.listeners[0].address: expected an IPv4 or IPv6 address such as "0.0.0.0", "10.0.0.11" or "::", got "pbx.example.com"',
    );
    expect(found[1]).toMatch(/^t\.yaml:4:13: sip\.listeners\[0\]\.port: .*65535/);
    expect(found[2]).toMatch(/^t\.yaml:5:25: sip\.listeners\[0\]\.transports\[1\]: .*udp.*tcp/);
    expect(found[3]).toMatch(
      /^t\.yaml:6:23: sip\.listeners\[0\]\.whenNotServing: .*reject.*silent/,
    );
    expect(found[4]).toMatch(/^t\.yaml:7:19: sip\.listeners\[0\]\.retryAfter: /);
  });

  it("rejects an empty list, a repeated transport, two listeners on one socket and a typo", async () => {
    expect(await configProblems("sip:\n  listeners: []")).toEqual([
      "t.yaml:2:3: sip.listeners: expected at least one listener, got an empty list",
    ]);
    expect(await configProblems("sip:\n  listeners:\n    - { transports: [udp, udp] }")).toEqual([
      "t.yaml:3:9: sip.listeners[0].transports: expected each transport once, got a list",
    ]);
    const twice = [
      "sip:",
      "  listeners:",
      "    - { port: 5070 }",
      "    - { port: 5070, transports: [tcp] }",
    ].join("\n");
    expect(await configProblems(twice)).toEqual([
      "t.yaml:4:15: sip.listeners[1].port: expected each address, port and transport once: tcp 0.0.0.0:5070 is also listener 0's, got 5070",
    ]);
    expect(await configProblems("sip:\n  listeners:\n    - { porrt: 5070 }")).toEqual([
      't.yaml:3:9: sip.listeners[0]: unknown key "porrt" (expected one of: address, port, transports, whenNotServing, retryAfter) — did you mean "port"?',
    ]);
  });
});

describe("sip probe", () => {
  it("accepts a SIP URI and defaults expect to 200", async () => {
    const text = [
      "probes:",
      "  pbx:",
      "    kind: sip",
      "    uri: sip:127.0.0.1:5060;transport=tcp",
      "  edge:",
      "    kind: sip",
      "    uri: sip:ping@[2001:db8::1]",
      "    expect: [200, 404]",
      "    timeout: 300ms",
    ].join("\n");
    const { config } = await parseConfigText(text, "t.yaml");
    expect(config.probes.pbx).toEqual({
      kind: "sip",
      uri: "sip:127.0.0.1:5060;transport=tcp",
      expect: [200],
    });
    expect(config.probes.edge).toEqual({
      kind: "sip",
      uri: "sip:ping@[2001:db8::1]",
      expect: [200, 404],
      timeout: 300,
    });
  });

  it("says what a SIP URI must look like and which codes are allowed", async () => {
    const base = "probes:\n  pbx:\n    kind: sip\n";
    expect(await configProblems(`${base}    uri: http://127.0.0.1:5060`)).toEqual([
      't.yaml:4:10: probes.pbx.uri: expected a SIP URI such as "sip:127.0.0.1:5060;transport=udp", got "http://127.0.0.1:5060"',
    ]);
    expect(await configProblems(`${base}    uri: sip:127.0.0.1;transport=tls`)).toEqual([
      't.yaml:4:10: probes.pbx.uri: expected transport "udp" or "tcp", got "sip:127.0.0.1;transport=tls"',
    ]);
    const codes = await configProblems(`${base}    uri: sip:127.0.0.1\n    expect: [99]`);
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatch(/^t\.yaml:5:14: probes\.pbx\.expect\[0\]: .*100/);
    const missing = await configProblems(base);
    expect(missing).toEqual(['t.yaml:2:3: probes.pbx: missing required key "uri"']);
  });
});
