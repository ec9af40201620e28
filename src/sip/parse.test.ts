import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { headerValue } from "./message.js";
import { parseSipMessage } from "./parse.js";
import { serializeSipMessage } from "./serialize.js";
import { optionsRequest, sipMessage } from "./sip.test-helpers.js";

const text = (lines: string[], body = "") => Buffer.from(`${lines.join("\r\n")}\r\n\r\n${body}`);

describe("parseSipMessage", () => {
  it("reads a request: start line, canonical header names, body cut to Content-Length", () => {
    const result = parseSipMessage(
      text(
        [
          "OPTIONS sip:pbx@10.0.0.1 SIP/2.0",
          "v: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK1",
          "call-id: abc",
          "X-Custom: kept as written",
          "l: 3",
        ],
        "abcdef",
      ),
    );
    expect(result).toEqual({
      ok: true,
      message: {
        kind: "request",
        method: "OPTIONS",
        uri: "sip:pbx@10.0.0.1",
        version: "SIP/2.0",
        headers: [
          { name: "Via", value: "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK1" },
          { name: "Call-ID", value: "abc" },
          { name: "X-Custom", value: "kept as written" },
        ],
        body: Buffer.from("abc"),
      },
    });
  });

  it("reads a response with and without a reason phrase", () => {
    const ok = parseSipMessage(text(["SIP/2.0 503 Service Unavailable", "Retry-After: 30"]));
    expect(ok.ok && ok.message.kind === "response" && ok.message.reason).toBe(
      "Service Unavailable",
    );
    const bare = parseSipMessage(text(["SIP/2.0 200"]));
    expect(bare.ok && bare.message.kind === "response" && bare.message.status).toBe(200);
  });

  it("joins folded lines with one space", () => {
    const result = parseSipMessage(
      text(["OPTIONS sip:a SIP/2.0", "Subject: one   ", "   two", "\tthree"]),
    );
    expect(result.ok && headerValue(result.message, "subject")).toBe("one two three");
  });

  it("gives reasons, and the header fields when they were read", () => {
    expect(parseSipMessage(Buffer.from("OPTIONS sip:a SIP/2.0\r\nTo: x\r\n"))).toEqual({
      ok: false,
      reason: "no empty line after the header fields",
    });
    const bad = parseSipMessage(text(["OPTIONS sip:a SIP/2.0", "To: x", "Content-Length: ten"]));
    expect(bad).toEqual({
      ok: false,
      reason: 'Content-Length "ten" is not a non-negative whole number',
      startLine: "OPTIONS sip:a SIP/2.0",
      headers: [{ name: "To", value: "x" }],
    });
    expect(parseSipMessage(text(["HELLO", "To: x"]))).toMatchObject({
      ok: false,
      reason: 'start line "HELLO" is neither "METHOD URI SIP/2.0" nor "SIP/2.0 CODE REASON"',
    });
  });

  it("enforces the size and header-count limits", () => {
    const limits = { maxMessageBytes: 200, maxHeaders: 3 };
    expect(parseSipMessage(Buffer.alloc(201, 0x41), limits)).toEqual({
      ok: false,
      reason: "message of 201 bytes is over the limit of 200",
    });
    const many = text(["OPTIONS sip:a SIP/2.0", "A: 1", "B: 2", "C: 3", "D: 4"]);
    expect(parseSipMessage(many, limits)).toMatchObject({
      ok: false,
      reason: "more than 3 header fields",
    });
  });

  it("parses what it serializes: parse(serialize(m)) equals m", () => {
    fc.assert(
      fc.property(sipMessage, (message) => {
        expect(parseSipMessage(serializeSipMessage(message))).toEqual({ ok: true, message });
      }),
      { numRuns: 500 },
    );
  });

  it("serializes what it parses, byte for byte, for a plain request", () => {
    const bytes = optionsRequest({ branch: "z9hG4bKrt" });
    const parsed = parseSipMessage(bytes);
    expect(parsed.ok && serializeSipMessage(parsed.message).equals(bytes)).toBe(true);
  });

  it("never throws on random bytes or mutated messages", () => {
    const mutated = fc
      .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 20 }))
      .map(([at, insert]) => {
        const base = optionsRequest();
        const cut = at % base.length;
        return Buffer.concat([base.subarray(0, cut), insert, base.subarray(cut + 1)]);
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000 }), mutated), (bytes) => {
        const result = parseSipMessage(bytes);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});
