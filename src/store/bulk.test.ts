import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineView } from "../queuelog/line-view.js";
import { LineSplitter } from "../queuelog/lines.js";
import { hasControl, isMalformed, parseRange } from "../queuelog/parse.js";
import { CallRows, EventRows } from "./bulk.js";
import { copySafe } from "./copy.js";
import type { CallTable, EventTable } from "./schema.js";

/** COPY text of `lines` as the loader builds it, from the lines' bytes or from their fields. */
function copyText(lines: string[], fromBytes: boolean): string {
  const b = new LineSplitter(1000).cut(Buffer.from(lines.map((l) => `${l}\n`).join("")));
  // The lines are ASCII, so the splitter hands over their bytes and `add` copies those.
  if (b.ascii === undefined) throw new Error("an ASCII block was cut without its bytes");
  const rows = new EventRows(true, "A", "key");
  const plain = copySafe(b.text);
  const clean = !hasControl(b.text);
  const v = new LineView();
  for (let i = 0; i < b.count; i++) {
    const reason = v.parse(b.text, b.from[i] as number, b.to[i] as number, undefined, clean);
    if (reason !== undefined) throw new Error(reason);
    rows.add(b.offsets[i] as number, v, plain, fromBytes ? b.ascii : undefined);
  }
  return Buffer.concat(rows.copyParts()).toString("utf8");
}

/** The SQLite rows of `text`'s lines as the loader keeps them, and as each line's fields make them. */
function sqliteRows(text: string): { kept: EventTable[]; fields: EventTable[] } {
  const rows = new EventRows(false, "A", "key");
  const fields: EventTable[] = [];
  const v = new LineView();
  let at = 0;
  for (const l of text.split("\n")) {
    const e = parseRange(text, at, at + l.length);
    if (!isMalformed(e)) {
      if (v.parse(text, at, at + l.length) !== undefined)
        throw new Error("view and parser disagree");
      rows.add(at, v, false);
      const d = e.data;
      fields.push({
        partition: "A",
        file_key: "key",
        off: at,
        time: e.time,
        callid: e.callid,
        queue: e.queue,
        agent: e.agent,
        verb: e.verb,
        data1: d[0] ?? "",
        data2: d[1] ?? "",
        data3: d[2] ?? "",
        data4: d[3] ?? "",
        data5: d.length > 4 ? d.slice(4).join("|") : "",
        nf: d.length,
      });
    }
    at += l.length + 1;
  }
  const kept: EventTable[] = [];
  rows.ranges?.forEach(rows.partition, rows.fileKey, (r) => kept.push(r));
  return { kept, fields };
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
    const line = arbitraryLine(
      fc.stringMatching(/^[ -[\]-{}~]{0,12}$/),
      fc.stringMatching(/^[A-Z_]{1,12}$/),
      8,
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), (lines) => {
        expect(copyText(lines, true)).toBe(copyText(lines, false));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps lines for SQLite by position and makes the rows their fields make", () => {
    const line = arbitraryLine(
      fc.stringMatching(/^[ -{}~é]{0,6}$/),
      fc.stringMatching(/^[A-Z]{1,6}$/),
      9,
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(line, fc.constant("not a line")), { maxLength: 20 }),
        (lines) => {
          const { kept, fields } = sqliteRows(lines.join("\n"));
          expect(kept).toEqual(fields);
        },
      ),
      { numRuns: 300 },
    );
    expect(
      sqliteRows("1|c|q|a|X|1|2|3|4|5|6|7\n2|c|q|a|Y|\n3|c|q|a|Z").kept.map((r) => r.nf),
    ).toEqual([7, 1, 0]);
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

/** A queue_log line of random fields: `time|call|queue|agent|verb[|data…]`. */
function arbitraryLine(
  field: fc.Arbitrary<string>,
  verb: fc.Arbitrary<string>,
  maxData: number,
): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.integer({ min: 1, max: 2_000_000_000 }),
      field,
      field,
      field,
      verb,
      fc.array(field, { maxLength: maxData }),
    )
    .map(
      ([t, c, q, a, v, data]) =>
        `${t}|${c}|${q}|${a}|${v}${data.length > 0 ? `|${data.join("|")}` : ""}`,
    );
}
