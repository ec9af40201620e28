import { describe, expect, it } from "vitest";
import { parseSipMessage } from "./parse.js";
import { decideSipResponse } from "./respond.js";
import { invalidCases, validCases } from "./torture.test-helpers.js";

const source = { address: "192.0.2.10", port: 5060, transport: "udp" as const };
const policy = { whenNotServing: "reject" as const, retryAfter: 30 };

function answer(bytes: Buffer): number | "drop" | "silent" {
  const d = decideSipResponse({ parsed: parseSipMessage(bytes), source, serving: true, policy });
  return d.action === "reply" ? d.response.status : d.action;
}

describe("RFC 4475 style torture messages", () => {
  it.each(validCases.map((c) => [c.name, c]))("%s: accepted and answered", (_name, c) => {
    expect(parseSipMessage(c.bytes).ok, c.about).toBe(true);
    expect(answer(c.bytes), c.about).toBe(c.expect);
  });

  it.each(invalidCases.map((c) => [c.name, c]))("%s: refused or dropped", (_name, c) => {
    expect(answer(c.bytes), c.about).toBe(c.expect);
  });

  it("reads the odd spellings of wsinv into the expected values", () => {
    const wsinv = validCases.find((c) => c.name === "wsinv");
    const parsed = parseSipMessage(wsinv?.bytes ?? Buffer.alloc(0));
    if (!parsed.ok) throw new Error(parsed.reason);
    const d = decideSipResponse({ parsed, source, serving: true, policy });
    if (d.action !== "reply") throw new Error(d.why);
    const headers = Object.fromEntries(
      d.response.headers.filter((h) => h.name !== "Via").map((h) => [h.name, h.value]),
    );
    expect(d.response.headers.filter((h) => h.name === "Via").map((h) => h.value)).toEqual([
      "SIP/2.0/UDP 192.0.2.2;rport=5060;branch=390skdjuw;received=192.0.2.10",
      "SIP  / 2.0  / TCP     spindle.example.com   ; branch  =   z9hG4bK9ikj8",
      "SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239",
    ]);
    expect(headers.To).toBe("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
    expect(headers.CSeq).toBe("0009 OPTIONS");
    expect(headers.From).toBe(
      '"J Rosenberg \\\\\\""       <sip:jdrosen@example.com> ; tag = 98asjd8',
    );
  });
});
