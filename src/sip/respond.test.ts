import { describe, expect, it } from "vitest";
import { headerValue, headerValues } from "./message.js";
import { parseSipMessage } from "./parse.js";
import { decideSipResponse, type SipDecision, type SipPolicy } from "./respond.js";
import type { SipSource } from "./route.js";
import { optionsRequest } from "./sip.test-helpers.js";

const reject: SipPolicy = { whenNotServing: "reject", retryAfter: 30 };
const silent: SipPolicy = { whenNotServing: "silent", retryAfter: 30 };
const udp: SipSource = { address: "127.0.0.1", port: 40000, transport: "udp" };

function decide(bytes: Buffer, serving: boolean, policy = reject, source = udp): SipDecision {
  return decideSipResponse({ parsed: parseSipMessage(bytes), source, serving, policy });
}

function reply(d: SipDecision) {
  if (d.action !== "reply") throw new Error(`expected a reply, got ${d.action}: ${d.why}`);
  return d;
}

describe("decideSipResponse", () => {
  it("answers OPTIONS 200 while serving, copying the dialog headers and adding a To tag", () => {
    const request = optionsRequest({ branch: "z9hG4bKabc", callId: "c1@host" });
    const d = reply(decide(request, true));
    expect(d.outcome).toBe("ok200");
    expect(d.response).toMatchObject({ status: 200, reason: "OK" });
    const r = d.response;
    expect(headerValue(r, "From")).toBe("<sip:monitor@127.0.0.1>;tag=mon1");
    expect(headerValue(r, "To")).toMatch(/^<sip:pbx@127\.0\.0\.1>;tag=[0-9a-f]{16}$/);
    expect(headerValue(r, "Call-ID")).toBe("c1@host");
    expect(headerValue(r, "CSeq")).toBe("1 OPTIONS");
    expect(headerValue(r, "Allow")).toBe("OPTIONS");
    // A retransmission gets the same tag; another request another one.
    expect(headerValue(reply(decide(request, true)).response, "To")).toBe(headerValue(r, "To"));
    const other = reply(decide(optionsRequest({ branch: "z9hG4bKdef", callId: "c1@host" }), true));
    expect(headerValue(other.response, "To")).not.toBe(headerValue(r, "To"));
  });

  it("answers 503 with Retry-After while not serving, or stays silent", () => {
    const d = reply(decide(optionsRequest(), false));
    expect(d).toMatchObject({ outcome: "unavailable503", response: { status: 503 } });
    expect(headerValue(d.response, "Retry-After")).toBe("30");
    const noRetry = reply(decide(optionsRequest(), false, { ...reject, retryAfter: 0 }));
    expect(headerValue(noRetry.response, "Retry-After")).toBeUndefined();
    expect(decide(optionsRequest(), false, silent)).toEqual({
      action: "silent",
      outcome: "silent",
      why: "OPTIONS while not serving",
    });
    expect(reply(decide(optionsRequest(), true, silent)).response.status).toBe(200);
  });

  it("answers INVITE 503 (or nothing) while not serving, 405 while serving", () => {
    const invite = optionsRequest({ method: "INVITE" });
    expect(reply(decide(invite, false)).response.status).toBe(503);
    expect(decide(invite, false, silent).action).toBe("silent");
    const served = reply(decide(invite, true));
    expect(served.response.status).toBe(405);
    expect(headerValue(served.response, "Allow")).toBe("OPTIONS");
  });

  it("answers other methods 405, CANCEL 481, and never ACK", () => {
    for (const method of ["REGISTER", "SUBSCRIBE", "MESSAGE", "BYE", "FOO"]) {
      const d = reply(decide(optionsRequest({ method }), false));
      expect(d).toMatchObject({ outcome: "otherResponses", response: { status: 405 } });
      expect(headerValue(d.response, "Allow")).toBe("OPTIONS");
    }
    expect(reply(decide(optionsRequest({ method: "CANCEL" }), true)).response).toMatchObject({
      status: 481,
      reason: "Call/Transaction Does Not Exist",
    });
    expect(decide(optionsRequest({ method: "ACK" }), true)).toMatchObject({ action: "silent" });
  });

  it("answers 400 with the problem in a Warning when it can, and drops otherwise", () => {
    const bad = reply(decide(optionsRequest({ extra: ["Max-Forwards: 999"] }), true));
    expect(bad.response.status).toBe(400);
    expect(headerValue(bad.response, "Warning")).toBe(
      '399 tandem "2 Max-Forwards headers, expected one"',
    );
    expect(decide(Buffer.from("SIP/2.0 200 OK\r\n\r\n"), true)).toMatchObject({
      action: "drop",
      outcome: "malformed",
    });
    expect(decide(Buffer.from("\x00\x01garbage"), true)).toEqual({
      action: "drop",
      outcome: "malformed",
      why: "no empty line after the header fields",
    });
  });

  it("stamps received and rport and routes per RFC 3261 §18.2.2 and RFC 3581", () => {
    const from = { address: "192.0.2.7", port: 40112, transport: "udp" as const };
    const withRport = reply(
      decide(
        optionsRequest({ via: "SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK1;rport" }),
        true,
        reject,
        from,
      ),
    );
    expect(headerValues(withRport.response, "Via")).toEqual([
      "SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK1;rport=40112;received=192.0.2.7",
    ]);
    expect(withRport.destination).toEqual({ address: "192.0.2.7", port: 40112 });

    const noRport = reply(
      decide(
        optionsRequest({ via: "SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK1" }),
        true,
        reject,
        from,
      ),
    );
    expect(headerValue(noRport.response, "Via")).toBe(
      "SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK1;received=192.0.2.7",
    );
    expect(noRport.destination).toEqual({ address: "192.0.2.7", port: 5062 });

    const same = reply(
      decide(optionsRequest({ via: "SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK1" }), true, reject, from),
    );
    expect(headerValue(same.response, "Via")).toBe("SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK1");
    expect(same.destination).toEqual({ address: "192.0.2.7", port: 5060 });

    const tcp = reply(
      decide(optionsRequest({ via: "SIP/2.0/TCP pbx.example.com;branch=z9hG4bK1" }), true, reject, {
        ...from,
        transport: "tcp",
      }),
    );
    expect(headerValue(tcp.response, "Via")).toBe(
      "SIP/2.0/TCP pbx.example.com;branch=z9hG4bK1;received=192.0.2.7",
    );
    expect(tcp.destination).toEqual({ address: "192.0.2.7", port: 40112 });
  });

  it("keeps every Via in order, splitting none but the top one", () => {
    const request = optionsRequest({
      via: "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKtop, SIP/2.0/TCP proxy.example.com;branch=z9hG4bK2",
      extra: ["Via: SIP/2.0/UDP edge.example.com;branch=z9hG4bK3"],
    });
    expect(headerValues(reply(decide(request, true)).response, "Via")).toEqual([
      "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKtop",
      "SIP/2.0/TCP proxy.example.com;branch=z9hG4bK2",
      "SIP/2.0/UDP edge.example.com;branch=z9hG4bK3",
    ]);
  });
});
