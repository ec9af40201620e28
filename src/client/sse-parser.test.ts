import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type SseMessage, SseParser } from "./sse-parser.js";

function parseAll(chunks: string[]): SseMessage[] {
  const out: SseMessage[] = [];
  const parser = new SseParser((m) => out.push(m));
  for (const c of chunks) parser.push(c);
  return out;
}

const STREAM =
  'retry: 1000\nid: 2\nevent: hello\ndata: {"node":"a"}\n\n: keep-alive\n\nid: 3\r\nevent: role\r\ndata: line1\r\ndata: line2\r\n\r\nevent: x\rdata:no-space\r\r';

describe("SseParser", () => {
  it("reads events, ids, multi-line data, comments and every line ending", () => {
    expect(parseAll([STREAM])).toEqual([
      { event: "hello", data: '{"node":"a"}', id: "2" },
      { event: "role", data: "line1\nline2", id: "3" },
      { event: "x", data: "no-space", id: "3" },
    ]);
  });

  it("gives the same events however the stream is cut into chunks", () => {
    const whole = parseAll([STREAM]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: STREAM.length }), { maxLength: 12 }),
        (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const chunks: string[] = [];
          let from = 0;
          for (const p of points) {
            chunks.push(STREAM.slice(from, p));
            from = p;
          }
          chunks.push(STREAM.slice(from));
          expect(parseAll(chunks)).toEqual(whole);
        },
      ),
    );
  });

  it("dispatches nothing for an event without data", () => {
    expect(parseAll(["event: empty\n\n"])).toEqual([]);
  });
});
