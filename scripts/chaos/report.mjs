// The printed report: one row per fault kind, the takeovers seen, the invariants checked, and
// the fixed closing line.

/** The closing line (a fixed interface: CI and people grep for it). */
export function finalLine(totals) {
  return `double-serving samples: ${totals.doubleServing}, longest no-serving gap: ${totals.longestGapMs} ms, takeovers without fault: ${totals.takeoversWithoutFault}`;
}

/**
 * The invariants the mode promises. A healthy pair, loaded or not: no takeover, no gap over
 * 1 s. With a quorum: never two serving nodes, whatever the fault.
 */
export function checkInvariants(rows, { quorum }) {
  const checks = [];
  for (const kind of ["no-fault phase", "cpu-load phase"]) {
    const r = rows.find((x) => x.kind === kind);
    if (!r) continue;
    checks.push({
      invariant: `${kind}: no takeover`,
      ok: r.takeovers === 0,
      detail: `${r.takeovers} takeovers`,
    });
    checks.push({
      invariant: `${kind}: no gap over 1000 ms`,
      ok: r.longestGapMs <= 1000,
      detail: `longest gap ${r.longestGapMs} ms`,
    });
  }
  if (quorum) {
    const doubles = rows.reduce((s, r) => s + r.doubleServing, 0);
    checks.push({
      invariant: "quorum: no double-serving sample",
      ok: doubles === 0,
      detail: `${doubles} double-serving samples`,
    });
  }
  return checks;
}

/** The report as text. */
export function formatReport(result) {
  const lines = [];
  const head = [
    "kind",
    "faults",
    "seconds",
    "samples",
    "double",
    "longest gap ms",
    "takeovers",
    "crashes",
  ];
  const cells = result.rows.map((r) => [
    r.kind,
    String(r.faults),
    r.seconds.toFixed(1),
    String(r.samples),
    String(r.doubleServing),
    String(r.longestGapMs),
    String(r.takeovers),
    String(r.crashes),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const fmt = (c) =>
    c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  lines.push(
    "",
    `per fault kind (seed ${result.seed}, ${result.minutes} min${result.quorum ? ", quorum on etcd" : ", no quorum"}):`,
  );
  lines.push(fmt(head), ...cells.map(fmt));
  if (result.takeovers.length > 0) {
    lines.push("", "takeovers (sampler time, node that started serving, window):");
    for (const t of result.takeovers)
      lines.push(`  ${(t.t / 1000).toFixed(2)} s  ${t.node}  ${t.window}`);
  }
  if (result.reasons.length > 0) {
    lines.push("", "why (the agents' takeover and fence log lines):");
    for (const r of result.reasons) lines.push(`  ${r}`);
  }
  if (result.exits.length > 0) {
    lines.push("", "agent exits the run did not cause:");
    for (const e of result.exits)
      lines.push(
        `  ${(e.t / 1000).toFixed(2)} s  ${e.node} code ${e.code} signal ${e.signal} ${e.stderr}`,
      );
  }
  lines.push("", "invariants:");
  for (const c of result.invariants)
    lines.push(`  ${c.ok ? "ok    " : "BROKEN"}  ${c.invariant} (${c.detail})`);
  lines.push("", result.finalLine);
  return lines.join("\n");
}
