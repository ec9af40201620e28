import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineSplitter } from "../queuelog/lines.js";
import { hasControl, isMalformed, parseRange } from "../queuelog/parse.js";
import { CallRows, EventRows } from "./bulk.js";
import { copySafe } from "./copy.js";
import type { CallTable } from "./schema.js";

/** COPY text of `lines` as the loader builds it, from the lines' bytes or from their fields. */
function copyText(lines: string[], fromBytes: boolean): string {
  const b = new LineSplitter(1000).cut(Buffer.from(lines.map((l) => `${l}\n`).join("")));
  // The lines are ASCII, so the splitter hands over their bytes and `add` copies those.
  if (b.ascii === undefined) throw new Error("an ASCII block was cut without its bytes");
  const rows = new EventRows(true, "A", "key");
  const plain = copySafe(b.text);
  const clean = !hasControl(b.text);
  for (let i = 0; i < b.count; i++) {
    const r = parseRange(b.text, b.from[i] as number, b.to[i] as number, undefined, clean);
    if (isMalformed(r)) throw new Error(r.reason);
    const off = b.offsets[i] as number;
    if (fromBytes) rows.add(off, r, plain, b.ascii, b.from[i] as number, b.to[i] as number);
    else rows.add(off, r, plain);
  }
  return Buffer.concat(rows.copyParts()).toString("utf8");
}

describe("COPY rows of queue_log lines", () => {
  it("copies a line's bytes into the same row its parsed fields make", () => {
    const lines = [
      "1700000000|NONE|NONE|NONE|QUEUESTART",
      "1700000000|NONE|NONE|NONE|QUEUESTART|",
      "1700000001|c1|sales|NONE|ENTERQUEUE||5551001|1",
      "1700000002|c1|sales|Agent/101|CONNECT|15|c1-1|3",
      "1700000003|c1|sales|Agent/101|TRANSFER|9000|default|15|100|1",
      "1700000004|c1|sales|Agent/101|ATTENDEDTRANSFER|BRIDGE|b1|15|100|1|x|y",
    ];
    const bytes = copyText(lines, true);
    expect(bytes).toBe(copyText(lines, false));
    expect(bytes.split("\n")[5]).toBe(
      "A\tkey\t1231\t1700000004\tc1\tsales\tAgent/101\tATTENDEDTRANSFER\tBRIDGE\tb1\t15\t100\t1|x|y\t7",
    );
    expect(bytes.split("\n")[0]).toBe(
      "A\tkey\t1000\t1700000000\tNONE\tNONE\tNONE\tQUEUESTART\t\t\t\t\t\t0",
    );
  });

  it("agrees with the field-by-field row on any printable ASCII line", () => {
    const field = fc.stringMatching(/^[ -[\]-{}~]{0,12}$/);
    const line = fc
      .tuple(
        fc.integer({ min: 1, max: 2_000_000_000 }),
        field,
        field,
        field,
        fc.stringMatching(/^[A-Z_]{1,12}$/),
        fc.array(field, { maxLength: 8 }),
      )
      .map(
        ([t, c, q, a, v, data]) =>
          `${t}|${c}|${q}|${a}|${v}${data.length > 0 ? `|${data.join("|")}` : ""}`,
      );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), (lines) => {
        expect(copyText(lines, true)).toBe(copyText(lines, false));
      }),
      { numRuns: 300 },
    );
  });

  it("encodes calls as COPY text, NULL as \\N", () => {
    const call = (off: number): CallTable => ({
      partition: "A",
      file_key: "k",
      off,
      callid: `c${off}`,
      queue: "sales",
      caller: "555",
      enter_time: 1_700_000_000 + off,
      connect_time: null,
      end_time: null,
      end_verb: null,
      agent: null,
      wait: null,
      talk: null,
      position: 1,
    });
    const rows = new CallRows(true);
    for (let i = 0; i < 5000; i++) rows.add(call(i));
    const text = Buffer.concat(rows.copyParts()).toString("utf8").split("\n");
    expect(text).toHaveLength(5001);
    expect(text[4999]).toBe(
      "A\tk\t4999\tc4999\tsales\t555\t1700004999\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t1",
    );
  });
});
