import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { copyNullable } from "./copy.js";
import { COPY_BUFFER_BYTES, CopyText } from "./copy-text.js";

/** The COPY text the string-building way gives for rows of values. */
function expected(rows: (string | number | null)[][]): string {
  return rows.map((r) => `${r.map(copyNullable).join("\t")}\n`).join("");
}

function encode(rows: (string | number | null)[][]): CopyText {
  const t = new CopyText();
  for (const r of rows) {
    r.forEach((v, i) => {
      if (i > 0) t.tab();
      t.nullable(v);
    });
    t.endRow();
  }
  return t;
}

describe("COPY text written into buffers", () => {
  it("escapes and encodes any text, integer and NULL as the string-building way does", () => {
    const value = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 20 }),
      fc.string({
        unit: fc.constantFrom("a", "\\", "\t", "\n", "\r", "|", "é", "€"),
        maxLength: 8,
      }),
      fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
      fc.maxSafeInteger(),
      fc.constant(null),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 1, maxLength: 6 }), { maxLength: 20 }),
        (rows) => {
          const t = encode(rows);
          const text = Buffer.concat(t.parts()).toString("utf8");
          expect(text).toBe(expected(rows));
          expect(t.byteLength).toBe(Buffer.byteLength(text));
          t.release();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("goes on in further buffers, a row whole in one when room for it was asked first", () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => [
      `call-${i}`,
      i * 7919,
      "x".repeat(i % 61),
    ]);
    const split = encode(rows);
    expect(split.parts().length).toBeGreaterThan(1);
    expect(Buffer.concat(split.parts()).toString("utf8")).toBe(expected(rows));
    const whole = new CopyText();
    for (const [c, n, x] of rows) {
      whole.room(100);
      whole.text(c as string);
      whole.tab();
      whole.int(n as number);
      whole.tab();
      whole.text(x as string);
      whole.endRow();
    }
    const parts = whole.parts();
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(COPY_BUFFER_BYTES);
      expect(p[p.length - 1]).toBe(10);
    }
    expect(Buffer.concat(parts).toString("utf8")).toBe(expected(rows));
  });

  it("takes one buffer of its own for a row longer than a buffer", () => {
    const long = "é".repeat(COPY_BUFFER_BYTES);
    const t = encode([["a"], [long], ["b"]]);
    expect(Buffer.concat(t.parts()).toString("utf8")).toBe(`a\n${long}\nb\n`);
  });

  it("turns the first pipes of a line's bytes into tabs and counts them all", () => {
    const line = Buffer.from("xx1|c|q|a|V|d1|d2|d3|d4|d5|d6yy");
    const t = new CopyText();
    expect(t.pipesToTabs(line, 2, line.length - 2, 9)).toBe(10);
    expect(Buffer.concat(t.parts()).toString()).toBe("1\tc\tq\ta\tV\td1\td2\td3\td4\td5|d6");
  });

  it("reuses a released buffer for the next rows without disturbing their text", () => {
    const first = encode([["one", 1]]);
    const before = first.parts()[0]?.buffer;
    first.release();
    const second = encode([["two", 2]]);
    expect(second.parts()[0]?.buffer).toBe(before);
    expect(Buffer.concat(second.parts()).toString()).toBe("two\t2\n");
  });
});
