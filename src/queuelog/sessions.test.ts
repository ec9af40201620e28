import { describe, expect, it } from "vitest";
import { isMalformed, parseLine } from "./parse.js";
import { SessionDeriver } from "./sessions.js";

const T = 1_700_000_000;

function event(line: string) {
  const e = parseLine(line);
  if (isMalformed(e)) throw new Error(e.reason);
  return e;
}

/** Applies `lines` to `d` at offsets 0, 1, 2… of file "k". */
function applyAll(d: SessionDeriver, lines: string[]): void {
  for (const [i, l] of lines.entries()) d.apply(event(l), "k", i);
}

/** Applies `lines` (offsets 0, 1, 2…) and returns every row as [agent, kind, queue, reason, start, end]. */
function derive(lines: string[], d = new SessionDeriver("A", [])) {
  applyAll(d, lines);
  return d
    .takeChanged()
    .sort((a, b) => a.off - b.off)
    .map((r) => [
      r.agent,
      r.kind,
      r.queue,
      r.reason,
      r.start_time - T,
      r.end_time === null ? null : r.end_time - T,
    ]);
}

describe("SessionDeriver", () => {
  it("opens and closes logins, memberships and pauses", () => {
    expect(
      derive([
        `${T}|NONE|NONE|Agent/1|AGENTLOGIN|SIP/1`,
        `${T + 5}|NONE|NONE|Agent/1|AGENTLOGIN|SIP/1`,
        `${T + 10}|NONE|sales|SIP/2|ADDMEMBER|SIP/2`,
        `${T + 20}|NONE|sales|SIP/2|PAUSE|Lunch`,
        `${T + 21}|NONE|support|SIP/2|PAUSE|Lunch`,
        `${T + 30}|NONE|sales|SIP/2|UNPAUSE|`,
        `${T + 40}|NONE|NONE|Agent/1|AGENTLOGOFF|SIP/1|40`,
      ]),
    ).toEqual([
      ["Agent/1", "login", "", "", 0, 40],
      ["SIP/2", "member", "sales", "", 10, null],
      ["SIP/2", "pause", "", "Lunch", 20, 30],
    ]);
  });

  it("ends a pause when the agent goes off", () => {
    expect(
      derive([
        `${T + 10}|NONE|sales|SIP/3|ADDMEMBER|SIP/3`,
        `${T + 20}|NONE|sales|SIP/3|PAUSEALL|Break`,
        `${T + 50}|NONE|sales|SIP/3|REMOVEMEMBER|SIP/3`,
      ]),
    ).toEqual([
      ["SIP/3", "member", "sales", "", 10, 50],
      ["SIP/3", "pause", "", "Break", 20, 50],
    ]);
  });

  it("dates a member without ADDMEMBER back to the last QUEUESTART, and pauses it", () => {
    // agent2 is in queues.conf: Asterisk writes no ADDMEMBER for it.
    expect(
      derive([
        `${T}|NONE|NONE|NONE|QUEUESTART|`,
        `${T + 100}|c1|support|agent2|CONNECT|3|c1.1|2`,
        `${T + 200}|NONE|support|agent2|PAUSE|Break`,
        `${T + 220}|NONE|support|agent2|UNPAUSE|`,
        `${T + 300}|NONE|NONE|NONE|QUEUESTART|`,
      ]).map((r) => r.slice(0, 6)),
    ).toEqual([
      ["agent2", "member", "support", "", 0, 300],
      ["NONE", "epoch", "", "", 0, 300],
      ["agent2", "pause", "", "Break", 200, 220],
      ["NONE", "epoch", "", "", 300, null],
    ]);
  });

  it("keeps members and pauses over a CONFIGRELOAD; members first seen after it date from it", () => {
    expect(
      derive([
        `${T}|NONE|NONE|NONE|QUEUESTART|`,
        `${T + 10}|NONE|q|a1|PAUSE|Lunch`,
        `${T + 50}|NONE|NONE|NONE|CONFIGRELOAD|`,
        `${T + 60}|NONE|q|a2|RINGNOANSWER|1000`,
        `${T + 90}|NONE|q|a1|UNPAUSE|`,
      ]).map((r) => [r[0], r[1], r[4], r[5]]),
    ).toEqual([
      ["a2", "member", 50, null],
      ["a1", "member", 0, null],
      ["NONE", "epoch", 0, 50],
      ["a1", "pause", 10, 90],
      ["NONE", "epoch", 50, null],
    ]);
  });

  it("without a QUEUESTART in the log, a member counts from the first line naming it", () => {
    expect(derive([`${T + 5}|NONE|q|a3|UNPAUSE|`]).map((r) => [r[0], r[1], r[4]])).toEqual([
      ["a3", "member", 5],
    ]);
  });

  it("ends every session of its partition at a QUEUESTART and resumes from stored open rows", () => {
    const first = new SessionDeriver("A", []);
    applyAll(first, [
      `${T}|NONE|NONE|Agent/1|AGENTLOGIN|SIP/1`,
      `${T + 1}|NONE|q|SIP/2|ADDMEMBER|SIP/2`,
    ]);
    // A new loader run: only the open rows are known, from the store.
    const open = first.takeChanged();
    expect(open.map((r) => [r.agent, r.kind, r.end_time])).toEqual([
      ["Agent/1", "login", null],
      ["SIP/2", "member", null],
    ]);
    const again = new SessionDeriver("A", open);
    expect(derive([`${T + 100}|NONE|NONE|NONE|QUEUESTART|`], again)).toEqual([
      ["Agent/1", "login", "", "", 0, 100],
      ["NONE", "epoch", "", "", 100, null],
      ["SIP/2", "member", "q", "", 1, 100],
    ]);
  });
});
