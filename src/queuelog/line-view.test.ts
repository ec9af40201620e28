import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineView } from "./line-view.js";
import { hasControl, isMalformed, parseRange } from "./parse.js";

const T = 1_700_000_000;

/** What the view shows for the line, as parseRange's result shape. */
function viewed(v: LineView, s: string, start: number, end: number, now?: number, clean = false) {
  const reason = v.parse(s, start, end, now, clean);
  if (reason !== undefined) return { reason };
  // Asked twice, in another order than parseRange builds them: the view must not mix lines up.
  const data = v.data;
  const agent = v.agent;
  return {
    time: v.time,
    callid: v.callid,
    queue: v.queue,
    agent,
    verb: v.verb,
    data: v.data === data ? data : ["(data changed)"],
  };
}

describe("LineView", () => {
  it("shows every line as parseRange parses it, one line after another in one view", () => {
    const field = fc.constantFrom("", "a", "NONE", "Agent/1", "1.2", "é", "x y");
    const line = fc.oneof(
      fc
        .tuple(
          fc.constantFrom(`${T}`, `${T + 1}`, "17x", "", `${T + 900_000}`),
          field,
          field,
          field,
          fc.constantFrom("CONNECT", "COMPLETEAGENT", "ENTERQUEUE", "PAUSE", "CON NECT", "", "X1"),
          fc.array(field, { maxLength: 7 }),
        )
        .map(([t, c, q, a, verb, d]) => [t, c, q, a, verb, ...d].join("|")),
      fc
        .array(fc.constantFrom("1", "|", "a", "Z", " ", "_", "\u0001"), { maxLength: 30 })
        .map((cs) => cs.join("")),
    );
    const v = new LineView();
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (lines, withNow) => {
          const text = lines.join("\n");
          const clean = !hasControl(text);
          const now = withNow ? T : undefined;
          let at = 0;
          for (const l of lines) {
            const want = parseRange(text, at, at + l.length, now, clean);
            expect(viewed(v, text, at, at + l.length, now, clean)).toEqual(want);
            at += l.length + 1;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives one string for an event name seen before and cuts a new one when it differs", () => {
    const v = new LineView();
    const a = `${T}|c|q|NONE|ABANDON|1|2|3`;
    const b = `${T}|c|q|NONE|ABXXXXN|1|2|3`;
    v.parse(`${a}\n${b}`, 0, a.length);
    const first = v.verb;
    const text = `zz${a}`;
    v.parse(text, 2, text.length);
    expect(v.verb).toBe(first);
    v.parse(`${a}\n${b}`, a.length + 1, a.length + 1 + b.length);
    expect(v.verb).toBe("ABXXXXN");
    const r = parseRange(b, 0, b.length);
    expect(isMalformed(r) ? r.reason : r.verb).toBe("ABXXXXN");
  });
});
