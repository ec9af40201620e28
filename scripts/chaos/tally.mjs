// Turns the samples into the per-fault-kind figures: double-serving samples, the longest
// stretch with no node serving, takeovers (a node starts serving while the other was the one
// serving) and crashes (agent exits the run did not cause). Every event counts for the window
// it starts in.
import { NODES } from "./pair.mjs";
import { serving } from "./sampler.mjs";

/** Window kinds whose takeovers are "takeovers without fault". */
export const NO_FAULT_KINDS = ["no-fault phase", "cpu-load phase", "quiet"];

function windowAt(windows, t) {
  let found = windows[0];
  for (const w of windows) if (w.start <= t) found = w;
  return found;
}

function emptyRow(kind) {
  return {
    kind,
    faults: 0,
    seconds: 0,
    samples: 0,
    doubleServing: 0,
    longestGapMs: 0,
    takeovers: 0,
    crashes: 0,
  };
}

/**
 * `windows`: `{ kind, start, end, fault? }` in time order, covering the run; `exits`:
 * unexpected agent exits `{ t, node, code, signal }`. Returns `{ rows, totals, takeovers }`.
 */
export function tally({ samples, windows, exits }) {
  const rows = new Map();
  const row = (kind) => {
    if (!rows.has(kind)) rows.set(kind, emptyRow(kind));
    return rows.get(kind);
  };
  for (const w of windows) {
    const r = row(w.kind);
    if (w.fault) r.faults++;
    r.seconds += (w.end - w.start) / 1000;
  }
  const takeovers = [];
  let holder = null;
  let gapStart = null;
  let gapRow = null;
  const prev = { a: false, b: false };
  for (const s of samples) {
    const r = row(windowAt(windows, s.t).kind);
    r.samples++;
    const now = { a: serving(s, "a"), b: serving(s, "b") };
    if (now.a && now.b) r.doubleServing++;
    const any = now.a || now.b;
    if (!any && gapStart === null) {
      gapStart = s.t;
      gapRow = r;
    }
    if (any && gapStart !== null) {
      gapRow.longestGapMs = Math.max(gapRow.longestGapMs, Math.round(s.t - gapStart));
      gapStart = null;
    }
    for (const n of NODES) {
      if (now[n] && !prev[n] && holder && holder !== n) {
        r.takeovers++;
        takeovers.push({ t: Math.round(s.t), node: n, window: r.kind });
      }
    }
    if (now.a !== now.b) holder = now.a ? "a" : "b";
    else if (now.a && holder === null) holder = "a";
    prev.a = now.a;
    prev.b = now.b;
  }
  if (gapStart !== null && samples.length > 0) {
    gapRow.longestGapMs = Math.max(gapRow.longestGapMs, Math.round(samples.at(-1).t - gapStart));
  }
  for (const e of exits) row(windowAt(windows, e.t).kind).crashes++;
  const list = [...rows.values()]
    .filter((r) => r.samples > 0 || r.faults > 0 || r.crashes > 0)
    .map((r) => ({ ...r, seconds: Math.round(r.seconds * 10) / 10 }));
  const totals = {
    samples: samples.length,
    doubleServing: list.reduce((s, r) => s + r.doubleServing, 0),
    longestGapMs: Math.max(0, ...list.map((r) => r.longestGapMs)),
    takeovers: list.reduce((s, r) => s + r.takeovers, 0),
    takeoversWithoutFault: list
      .filter((r) => NO_FAULT_KINDS.includes(r.kind))
      .reduce((s, r) => s + r.takeovers, 0),
    crashes: list.reduce((s, r) => s + r.crashes, 0),
  };
  return { rows: list, totals, takeovers };
}
