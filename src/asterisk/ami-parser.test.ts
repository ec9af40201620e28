import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AmiMessage } from "./ami-message.js";
import { AmiParser } from "./ami-parser.js";

const BANNER = "Asterisk Call Manager/9.0.0\r\n";

function collect(chunks: Array<string | Buffer>, maxMessageBytes?: number) {
  const messages: AmiMessage[] = [];
  const errors: Error[] = [];
  let version = "";
  const parser = new AmiParser({
    onBanner: (v) => {
      version = v;
    },
    onMessage: (m) => messages.push(m),
    onError: (e) => errors.push(e),
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
  });
  for (const chunk of chunks) parser.push(chunk);
  return { messages, errors, version, parser };
}

const STREAM = `${BANNER}Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\nResponse: Success\r\nActionID: 2\r\nOutput: line one\r\nOutput: line: two\r\n\r\n`;

describe("AmiParser", () => {
  it("reads the banner, responses and events with repeated keys", () => {
    const { messages, errors, version } = collect([STREAM]);
    expect(errors).toEqual([]);
    expect(version).toBe("9.0.0");
    expect(messages.map((m) => m.toObject())).toEqual([
      { Response: "Success", ActionID: "1", Message: "Authentication accepted" },
      { Event: "FullyBooted", Privilege: "system,all", Status: "Fully Booted" },
      { Response: "Success", ActionID: "2", Output: "line one" },
    ]);
    expect(messages[2]?.getAll("output")).toEqual(["line one", "line: two"]);
  });

  it("gives the same messages however the bytes are split", () => {
    const bytes = Buffer.from(STREAM.replace("line one", "línea ûne"), "utf8");
    const whole = collect([bytes]).messages.map((m) => m.fields);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
        (cuts) => {
          const sorted = [0, ...cuts.sort((a, b) => a - b), bytes.length];
          const chunks = sorted.slice(1).map((end, i) => bytes.subarray(sorted[i], end));
          expect(collect(chunks).messages.map((m) => m.fields)).toEqual(whole);
        },
      ),
    );
  });

  it("accepts bare LF line ends", () => {
    const { messages } = collect([STREAM.replaceAll("\r\n", "\n")]);
    expect(messages).toHaveLength(3);
  });

  it("stops with a protocol error when the banner is not AMI", () => {
    const { messages, errors, parser } = collect(["HTTP/1.1 400 Bad Request\r\n\r\n"]);
    expect(messages).toEqual([]);
    expect(errors[0]?.message).toContain('expected the "Asterisk Call Manager/<version>" banner');
    expect((errors[0] as { code?: string }).code).toBe("TANDEM_ERR_AMI_PROTOCOL");
    expect(parser.failed).toBe(true);
  });

  it("stops at the limit instead of buffering an endless message or line", () => {
    const endlessLine = collect([BANNER, "Event: x", "y".repeat(5000)], 4096);
    expect(endlessLine.errors[0]?.message).toContain("passed 4096 bytes");
    const endlessMessage = collect([BANNER, "Event: x\r\n".repeat(1000)], 4096);
    expect(endlessMessage.errors[0]?.message).toContain("passed 4096 bytes");
    expect(endlessMessage.messages).toEqual([]);
  });

  it("never throws on arbitrary bytes and reports at most one error", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.boolean(),
        (chunks, withBanner) => {
          const all = withBanner
            ? [Buffer.from(BANNER), ...chunks.map(Buffer.from)]
            : chunks.map(Buffer.from);
          const { errors } = collect(all, 2048);
          expect(errors.length).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
