import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CallDeriver } from "./derive.js";
import { formatEvent, type QueueLogEvent } from "./event.js";
import { LineSplitter } from "./lines.js";
import { hasControl, isMalformed, parseLine, parseRange } from "./parse.js";
import { namedFields, VERBS, verbKind } from "./verbs.js";

const T = 1_700_000_000;

function ev(line: string): QueueLogEvent {
  const r = parseLine(line);
  if (isMalformed(r)) throw new Error(r.reason);
  return r;
}

// One real line per verb and per layout, as the Asterisk version named wrote it.
const SAMPLES: [string, string, Record<string, string>][] = [
  ["1.4", `${T}|1.1|q|NONE|ENTERQUEUE||5551234`, { url: "", callerid: "5551234" }],
  ["13", `${T}|1.1|q|NONE|ENTERQUEUE||5551234|1`, { url: "", callerid: "5551234", position: "1" }],
  ["1.4", `${T}|1.1|q|Agent/1|CONNECT|12|1.2`, { holdtime: "12", bridgedchanneluniqueid: "1.2" }],
  [
    "1.6+",
    `${T}|1.1|q|Agent/1|CONNECT|12|1.2|4`,
    { holdtime: "12", bridgedchanneluniqueid: "1.2", ringtime: "4" },
  ],
  ["1.2", `${T}|1.1|q|Agent/1|COMPLETECALLER|12|60`, { holdtime: "12", calltime: "60" }],
  [
    "1.4+",
    `${T}|1.1|q|Agent/1|COMPLETECALLER|12|60|2`,
    { holdtime: "12", calltime: "60", origposition: "2" },
  ],
  ["1.2", `${T}|1.1|q|Agent/1|COMPLETEAGENT|12|60`, { holdtime: "12", calltime: "60" }],
  [
    "1.4+",
    `${T}|1.1|q|Agent/1|COMPLETEAGENT|12|60|2`,
    { holdtime: "12", calltime: "60", origposition: "2" },
  ],
  ["1.4+", `${T}|1.1|q|NONE|ABANDON|2|3|45`, { position: "2", origposition: "3", waittime: "45" }],
  ["1.4", `${T}|1.1|q|NONE|EXITWITHTIMEOUT|2`, { position: "2" }],
  [
    "1.6+",
    `${T}|1.1|q|NONE|EXITWITHTIMEOUT|2|3|300`,
    { position: "2", origposition: "3", waittime: "300" },
  ],
  ["1.4", `${T}|1.1|q|NONE|EXITWITHKEY|5|2`, { key: "5", position: "2" }],
  [
    "1.6+",
    `${T}|1.1|q|NONE|EXITWITHKEY|5|2|3|20`,
    { key: "5", position: "2", origposition: "3", waittime: "20" },
  ],
  ["1.4+", `${T}|1.1|q|NONE|EXITEMPTY|1|1|0`, { position: "1", origposition: "1", waittime: "0" }],
  [
    "1.4",
    `${T}|1.1|q|Agent/1|TRANSFER|200|ctx|5|30`,
    { extension: "200", context: "ctx", holdtime: "5", calltime: "30" },
  ],
  [
    "1.6–11",
    `${T}|1.1|q|Agent/1|TRANSFER|200|ctx|5|30|1`,
    { extension: "200", context: "ctx", holdtime: "5", calltime: "30", origposition: "1" },
  ],
  [
    "12+",
    `${T}|1.1|q|Agent/1|BLINDTRANSFER|200|ctx|5|30|1`,
    { extension: "200", context: "ctx", holdtime: "5", calltime: "30", origposition: "1" },
  ],
  [
    "12+",
    `${T}|1.1|q|Agent/1|ATTENDEDTRANSFER|BRIDGE|b-1|5|30|1`,
    { method: "BRIDGE", target: "b-1", holdtime: "5", calltime: "30", origposition: "1" },
  ],
  [
    "12+",
    `${T}|1.1|q|Agent/1|ATTENDEDTRANSFER|LINK|SIP/1-a|SIP/2-b|5|30|1`,
    {
      method: "LINK",
      channel1: "SIP/1-a",
      channel2: "SIP/2-b",
      holdtime: "5",
      calltime: "30",
      origposition: "1",
    },
  ],
  ["1.4+", `${T}|1.1|q|NONE|SYSCOMPAT|`, {}],
  ["1.4+", `${T}|1.1|q|Agent/1|RINGNOANSWER|15000`, { ringtime: "15000" }],
  ["16+", `${T}|1.1|q|Agent/1|RINGCANCELED|3000`, { ringtime: "3000" }],
  ["dialplan", `${T}|1.1|q|NONE|DID|5550000`, { did: "5550000" }],
  ["dialplan", `${T}|1.1|q|NONE|INFO|`, {}],
  ["16+", `${T}|1.1|q|NONE|WITHDRAW|gone`, { withdrawinfo: "gone" }],
  ["1.4", `${T}|1.1|q|Agent/1|AGENTDUMP|`, {}],
  ["1.4", `${T}|MANAGER|q|SIP/1|ADDMEMBER|`, {}],
  ["1.6+", `${T}|MANAGER|q|Alice|ADDMEMBER|SIP/1`, { interface: "SIP/1" }],
  ["1.4", `${T}|MANAGER|q|SIP/1|REMOVEMEMBER|`, {}],
  ["1.6+", `${T}|MANAGER|q|Alice|REMOVEMEMBER|SIP/1`, { interface: "SIP/1" }],
  ["1.4", `${T}|NONE|q|Alice|PAUSE|`, {}],
  ["1.8+", `${T}|NONE|q|Alice|PAUSE|Lunch`, { reason: "Lunch" }],
  ["1.4", `${T}|NONE|q|Alice|UNPAUSE|`, {}],
  ["1.8+", `${T}|NONE|q|Alice|UNPAUSE|Lunch`, { reason: "Lunch" }],
  ["1.4", `${T}|NONE|NONE|Alice|PAUSEALL|`, {}],
  ["1.8+", `${T}|NONE|NONE|Alice|PAUSEALL|Break`, { reason: "Break" }],
  ["1.4", `${T}|NONE|NONE|Alice|UNPAUSEALL|`, {}],
  ["1.8+", `${T}|NONE|NONE|Alice|UNPAUSEALL|Break`, { reason: "Break" }],
  ["1.8+", `${T}|NONE|q|Alice|PENALTY|3`, { penalty: "3" }],
  ["1.4+", `${T}|NONE|NONE|Agent/1|AGENTLOGIN|SIP/1-0001`, { channel: "SIP/1-0001" }],
  [
    "1.4+",
    `${T}|NONE|NONE|Agent/1|AGENTLOGOFF|SIP/1-0001|3600`,
    { channel: "SIP/1-0001", logintime: "3600" },
  ],
  [
    "1.2–1.4",
    `${T}|NONE|NONE|Agent/1|AGENTCALLBACKLOGIN|201@internal`,
    { "exten@context": "201@internal" },
  ],
  [
    "1.2–1.4",
    `${T}|NONE|NONE|Agent/1|AGENTCALLBACKLOGOFF|201@internal|3600|Autologoff`,
    { "exten@context": "201@internal", logintime: "3600", reason: "Autologoff" },
  ],
  ["1.4+", `${T}|NONE|NONE|NONE|QUEUESTART|`, {}],
  ["1.4+", `${T}|NONE|NONE|NONE|CONFIGRELOAD|`, {}],
];

describe("parseLine", () => {
  it.each(SAMPLES)("parses %s layout of %s and names its fields", (_version, line, fields) => {
    const e = ev(line);
    expect(e.time).toBe(T);
    expect(namedFields(e.verb, e.data)).toEqual(fields);
    expect(formatEvent(e)).toBe(line);
  });

  it("covers every verb of the table with at least one sample per layout", () => {
    for (const [verb, spec] of Object.entries(VERBS)) {
      for (const layout of spec.layouts) {
        const found = SAMPLES.some(([, line]) => {
          const e = ev(line);
          return (
            e.verb === verb &&
            Object.keys(namedFields(verb, e.data) ?? { x: 1 }).length === layout.length
          );
        });
        expect(found, `${verb} with ${layout.length} fields`).toBe(true);
      }
    }
  });

  it("keeps host-prefixed call ids and unknown verbs as written", () => {
    const e = ev(`${T}|pbx1-1700000000.42|sales|NONE|CUSTOMVERB|a|b||c`);
    expect(e.callid).toBe("pbx1-1700000000.42");
    expect(e.verb).toBe("CUSTOMVERB");
    expect(e.data).toEqual(["a", "b", "", "c"]);
    expect(verbKind("CUSTOMVERB")).toBe("call");
    expect(namedFields("CUSTOMVERB", e.data)).toBeUndefined();
  });

  it("gives a precise reason for each kind of bad line", () => {
    const reason = (l: string, now?: number) => {
      const r = parseLine(l, { now });
      return isMalformed(r) ? r.reason : "parsed";
    };
    expect(reason("hello world")).toBe(
      "expected at least 5 '|'-separated fields (epoch|callid|queue|agent|event), found 1",
    );
    expect(reason("")).toContain("found 0");
    expect(reason("17x|a|q|NONE|CONNECT|1")).toBe('timestamp "17x" is not a Unix epoch in seconds');
    expect(reason(`${T}|a|q|NONE|CON NECT|1`)).toContain('event name "CON NECT"');
    expect(reason(`${T}|a|q\u0000|NONE|CONNECT`)).toBe(
      "binary data: control byte 0x00 at column 15",
    );
    expect(reason(`${T + 10 * 86_400}|a|q|NONE|CONNECT`, T)).toBe(
      `timestamp ${T + 864_000} (2023-11-24T22:13:20.000Z) is 864000 s ahead of this host's clock`,
    );
    expect(reason(`${T + 60}|a|q|NONE|CONNECT`, T)).toBe("parsed");
  });

  it("parses a chunk known to hold no control character the same way, line by line", () => {
    const lines = [
      ...SAMPLES.map(([, l]) => l),
      "hello world",
      "",
      "a|b|c",
      "17x|a|q|NONE|CONNECT|1",
      `${T}|a|q|NONE|CON NECT|1`,
      `${T}|a|q|NONE|`,
      `${T}|a|q|NONE|X|1|2|3|4|5|6|7`,
    ];
    const chunk = lines.join("\n");
    expect(hasControl(chunk)).toBe(false);
    expect(hasControl(`${chunk}\u0001`)).toBe(true);
    expect(hasControl("a\tb\r")).toBe(false);
    let at = 0;
    for (const l of lines) {
      const slow = parseRange(chunk, at, at + l.length);
      expect(parseRange(chunk, at, at + l.length, undefined, true)).toEqual(slow);
      at += l.length + 1;
    }
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("1", "|", "a", "Z", " ", "_", "é"), { maxLength: 30 }),
        (cs) => {
          const l = `x\n${cs.join("")}\ny`;
          expect(parseRange(l, 2, l.length - 2, undefined, true)).toEqual(
            parseRange(l, 2, l.length - 2),
          );
        },
      ),
    );
  });
});

describe("LineSplitter", () => {
  it("returns the same lines and offsets however the bytes are split", () => {
    const text = `${T}|a|q|NONE|ENTERQUEUE||5|1\n${T}|a|q|Agent/ü|CONNECT|1|b|2\n\n${T}|a|q|NONE|X\n`;
    const bytes = Buffer.from(text);
    const whole = new LineSplitter(0).push(bytes);
    fc.assert(
      fc.property(fc.array(fc.nat(bytes.length), { maxLength: 6 }), (cuts) => {
        const points = [...new Set([0, ...cuts, bytes.length])].sort((a, b) => a - b);
        const s = new LineSplitter(0);
        const got = [];
        for (let i = 1; i < points.length; i++)
          got.push(...s.push(bytes.subarray(points[i - 1], points[i])));
        expect(got).toEqual(whole);
      }),
    );
    expect(whole.map((l) => l.offset)).toEqual([0, 36, 74, 75]);
  });

  it("holds back a partial last line, decodes non-UTF-8 as Latin-1 and cuts endless lines", () => {
    const s = new LineSplitter(100);
    expect(s.push(Buffer.from("abc"))).toEqual([]);
    expect(s.pendingBytes).toBe(3);
    // 0xFF is never UTF-8; in ISO-8859-1 it is ÿ. The next line is UTF-8 again (é = C3 A9).
    expect(s.push(Buffer.from([0x64, 0xff, 0x0a, 0x65, 0xc3, 0xa9, 0x0a]))).toEqual([
      { offset: 100, next: 106, text: "abcd\u00ff", latin1: true },
      { offset: 106, next: 110, text: "e\u00e9" },
    ]);
    const big = new LineSplitter(0).push(Buffer.alloc(70_000, 0x41));
    expect(big).toEqual([
      { offset: 0, next: 65_536, reason: "more than 65536 bytes without a newline" },
    ]);
  });
});

describe("CallDeriver", () => {
  const run = (lines: string[]) => {
    const d = new CallDeriver("A", []);
    lines.forEach((l, i) => {
      d.apply(ev(l), "k", i);
    });
    const { inserted, updated } = d.takeChanged();
    return [...inserted, ...updated];
  };

  it("takes the wait from the end line, or from timestamps in the 1.4 EXITWITHTIMEOUT layout", () => {
    const [a] = run([`${T}|c|q|NONE|ENTERQUEUE||1`, `${T + 30}|c|q|NONE|EXITWITHTIMEOUT|1`]);
    expect(a).toMatchObject({ end_verb: "EXITWITHTIMEOUT", wait: 30, connect_time: null });
    const [b] = run([`${T}|c|q|NONE|ENTERQUEUE||1`, `${T + 30}|c|q|NONE|EXITWITHTIMEOUT|1|1|29`]);
    expect(b?.wait).toBe(29);
  });

  it("reads hold and talk time in every transfer layout", () => {
    for (const end of [
      "TRANSFER|200|ctx|5|30",
      "TRANSFER|200|ctx|5|30|1",
      "BLINDTRANSFER|200|ctx|5|30|1",
      "ATTENDEDTRANSFER|BRIDGE|b|5|30|1",
      "ATTENDEDTRANSFER|LINK|c1|c2|5|30|1",
    ]) {
      const [c] = run([`${T}|c|q|NONE|ENTERQUEUE||1`, `${T + 35}|c|q|Agent/1|${end}`]);
      expect(c, end).toMatchObject({ connect_time: T + 5, wait: 5, talk: 30, agent: "Agent/1" });
    }
  });

  it("closes a re-entered call and the calls of a restarted server", () => {
    const rows = run([
      `${T}|c|q|NONE|ENTERQUEUE||1`,
      `${T + 5}|c|q|NONE|ENTERQUEUE||1`,
      `${T + 6}|d|q|NONE|ENTERQUEUE||1`,
      `${T + 7}|d|q|Agent/1|CONNECT|1|x`,
      `${T + 9}|NONE|NONE|NONE|QUEUESTART|`,
    ]);
    expect(rows.map((r) => [r.callid, r.end_verb, r.end_time])).toEqual([
      ["c", "REENTER", T + 5],
      ["c", "QUEUESTART", T + 9],
      ["d", "QUEUESTART", T + 9],
    ]);
    expect(rows[2]).toMatchObject({ wait: 1, talk: 2 });
  });
});
