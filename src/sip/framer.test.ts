import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SipStreamFramer } from "./framer.js";
import { serializeSipMessage } from "./serialize.js";
import { optionsRequest, sipMessage } from "./sip.test-helpers.js";

/** `bytes` cut at the given offsets. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks;
}

describe("SipStreamFramer", () => {
  it("cuts messages by Content-Length and drops CRLF keep-alives between them", () => {
    const a = optionsRequest({ branch: "z9hG4bKa" });
    const b = Buffer.from("SIP/2.0 200 OK\r\nl: 4\r\n\r\nbody");
    const framer = new SipStreamFramer();
    const out = framer.push(Buffer.concat([Buffer.from("\r\n\r\n"), a, Buffer.from("\r\n"), b]));
    expect(out).toEqual({ messages: [a, b] });
    expect(framer.buffered).toBe(0);
  });

  it("finds the same messages however the stream is split", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(sipMessage, fc.constantFrom("", "\r\n", "\r\n\r\n")).map(([m, keepAlive]) => ({
            bytes: serializeSipMessage(m),
            keepAlive,
          })),
          { minLength: 1, maxLength: 5 },
        ),
        fc.array(fc.nat(), { maxLength: 40 }),
        (messages, offsets) => {
          const stream = Buffer.concat(
            messages.flatMap((m) => [Buffer.from(m.keepAlive), m.bytes]),
          );
          const framer = new SipStreamFramer();
          const found: Buffer[] = [];
          for (const chunk of cut(stream, offsets)) {
            const out = framer.push(chunk);
            expect(out.error).toBeUndefined();
            found.push(...out.messages);
            expect(framer.buffered).toBeLessThanOrEqual(65_536);
          }
          expect(found).toEqual(messages.map((m) => m.bytes));
          expect(framer.buffered).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("finds a message fed one byte at a time", () => {
    const message = optionsRequest();
    const framer = new SipStreamFramer();
    const found: Buffer[] = [];
    for (const byte of message) found.push(...framer.push(Buffer.from([byte])).messages);
    expect(found).toEqual([message]);
  });

  it("rejects a stream that does not start like SIP, and keeps rejecting it", () => {
    const framer = new SipStreamFramer();
    const first = framer.push(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    expect(first).toEqual({
      messages: [],
      error: 'stream does not start with a SIP start line: "GET / HTTP/1.1"',
    });
    expect(framer.push(optionsRequest())).toEqual(first);
    expect(framer.buffered).toBe(0);
    const noNewline = new SipStreamFramer().push(Buffer.alloc(100, 0x00));
    expect(noNewline.error).toMatch(/^stream does not start with a SIP start line/);
  });

  it("rejects a bad Content-Length and an oversize message without holding more than the limit", () => {
    const limits = { maxMessageBytes: 1000, maxHeaders: 100 };
    const bad = new SipStreamFramer(limits).push(
      Buffer.from("OPTIONS sip:a SIP/2.0\r\nContent-Length: -1\r\n\r\n"),
    );
    expect(bad.error).toBe('Content-Length "-1" is not a non-negative whole number');
    const big = new SipStreamFramer(limits).push(
      Buffer.from("OPTIONS sip:a SIP/2.0\r\nContent-Length: 5000\r\n\r\n"),
    );
    expect(big.error).toMatch(/^message of 50\d\d bytes is over the limit of 1000$/);
    const endless = new SipStreamFramer(limits);
    let error: string | undefined;
    endless.push(Buffer.from("OPTIONS sip:a SIP/2.0\r\n"));
    for (let i = 0; i < 200 && error === undefined; i++) {
      error = endless.push(Buffer.from("X-Pad: 0123456789\r\n")).error;
      expect(endless.buffered).toBeLessThanOrEqual(1100);
    }
    expect(error).toBe("header section longer than the 1000-byte message limit");
  });
});
