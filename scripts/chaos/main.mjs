// `npm run chaos -- --minutes N --seed S [--quorum] [--json]`: a real pair under seeded random
// faults, watched every 20 ms the way the upstream watches it. See docs/chaos.md.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../../bench/lib.mjs";
import { startEtcd } from "./etcd.mjs";
import { applyFault, repair, saturateCpu, stopCpuLoad } from "./faults.mjs";
import { parseOptions } from "./options.mjs";
import { createPair } from "./pair.mjs";
import { checkInvariants, finalLine, formatReport } from "./report.mjs";
import { startSampler } from "./sampler.mjs";
import { buildSchedule, describeFault } from "./schedule.mjs";
import { tally } from "./tally.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (text) => process.stderr.write(`${text}\n`);

/** The agents' own words for takeovers and fences, counted by message. */
function reasons(pair) {
  const counts = new Map();
  for (const n of ["a", "b"]) {
    for (const line of pair.log(n)) {
      if (!["takeover", "self-fence", "peer-fence", "conflict", "isolated"].includes(line.event)) {
        continue;
      }
      const msg = `${n} ${line.event}: ${String(line.msg).replace(/\d+ ms/g, "N ms")}`;
      counts.set(msg, (counts.get(msg) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 20)
    .map(([msg, n]) => `${n}× ${msg}`);
}

/** Starts etcd (with --quorum) and the pair, and brings the pair to its normal shape. */
async function setUp(opt, dir, exits, clock) {
  const etcd = opt.quorum ? await startEtcd(dir) : null;
  const pair = await createPair({
    dir,
    quorumUrl: etcd?.url,
    profile: opt.profile,
    onExit: (node, code, signal, expected) => {
      if (expected) return;
      const stderr = pair.stderr(node).trim().split("\n").at(-1) ?? "";
      exits.push({ t: clock(), node, code, signal, stderr });
    },
  });
  pair.start("a");
  pair.start("b");
  // Both agents answering is the start; the pair is then brought to its normal shape (on a
  // loaded machine b can take the role first), as an operator would.
  const answers = async (n) =>
    (await fetch(`http://127.0.0.1:${pair.ports.api[n]}/monitor/role`)).status > 0;
  try {
    await until(
      async () => {
        // An agent that exits at start (a config it refuses, say) will not answer: stop now.
        if (exits.length > 0) return true;
        return (await answers("a")) && (await answers("b"));
      },
      90_000,
      "both agents",
    );
    if (exits.length > 0) {
      const e = exits[0];
      throw new Error(`agent "${e.node}" exited at start with code ${e.code}: ${e.stderr}`);
    }
  } catch (error) {
    const logs = `${pair.stderr("a")}\n${pair.stderr("b")}`.trim();
    await pair.close();
    await etcd?.stop();
    throw new Error(`${error.message}${logs ? `\n${logs}` : ""}`);
  }
  const startup = await repair(pair);
  return { etcd, pair, startup };
}

/** The three phases; returns the time windows (what was being done when) and fault notes. */
async function runPhases(opt, { pair, sampler, clock, schedule, randomMs }) {
  const windows = [];
  const open = (kind, fault) => {
    const now = clock();
    const last = windows.at(-1);
    if (last) last.end = now;
    windows.push({ kind, start: now, end: now, ...(fault ? { fault } : {}) });
  };
  open("no-fault phase");
  say("phase: no fault");
  await sleep(opt.noFaultMs);
  open("cpu-load phase");
  say("phase: CPU load (stress-ng --cpu 2)");
  await saturateCpu(opt.cpuMs);
  if (opt.repair) {
    // The random phase measures what its faults do, so it starts from a redundant pair even
    // when the load phases broke it (their figures keep what they did).
    open("repair");
    const fixed = await repair(pair);
    if (fixed.actions.length) say(`  before the faults, repair: ${fixed.actions.join("; ")}`);
  }
  const randomStart = clock();
  const done = [];
  for (const fault of schedule) {
    const wait = randomStart + fault.atMs - clock();
    if (wait > 0) await sleep(wait);
    open(fault.kind, fault.index);
    say(describeFault(fault));
    const note = await applyFault(fault, { pair, sampler });
    const fixed = opt.repair ? await repair(pair) : { actions: [], normal: null };
    const repairNote = fixed.actions.length ? `; repair: ${fixed.actions.join("; ")}` : "";
    say(`  ${note}${repairNote}${fixed.normal === false ? "; pair NOT back to normal" : ""}`);
    done.push({ ...fault, note, repair: fixed.actions, normalAfter: fixed.normal });
    // A moment for the sampler to see the repaired pair before the fault's window closes.
    await sleep(1000);
    open("quiet");
  }
  const rest = randomStart + randomMs - clock();
  if (schedule.length > 0 && rest > 0) await sleep(rest);
  return { windows, done };
}

async function main() {
  const opt = parseOptions(process.argv.slice(2));
  const out = opt.json ? say : (t) => console.log(t);
  const randomMs = Math.max(0, opt.totalMs - opt.noFaultMs - opt.cpuMs);
  const schedule =
    randomMs > 0 ? buildSchedule({ seed: opt.seed, phaseMs: randomMs, kinds: opt.kinds }) : [];
  if (opt.plan && opt.json) {
    const phases = { noFaultMs: opt.noFaultMs, cpuMs: opt.cpuMs, randomMs };
    console.log(
      JSON.stringify({ seed: opt.seed, minutes: opt.minutes, phases, schedule }, null, 2),
    );
    process.exit(0);
  }
  const mode = opt.quorum ? "quorum on etcd" : "no quorum";
  out(
    `chaos: seed ${opt.seed}, ${opt.minutes} min, ${mode}, profile ${opt.profile}; phases: no fault ${opt.noFaultMs / 1000} s, CPU load ${opt.cpuMs / 1000} s, random faults ${randomMs / 1000} s`,
  );
  out("fault schedule (offsets from the start of the random phase):");
  for (const f of schedule) out(describeFault(f));
  if (opt.plan) process.exit(0);
  const dir = mkdtempSync(join(tmpdir(), "tandem-chaos-"));

  let t0 = performance.now();
  const clock = () => performance.now() - t0;
  const exits = [];
  let running = null;
  const cleanup = async () => {
    stopCpuLoad();
    await running?.pair.close();
    await running?.etcd?.stop();
    if (!opt.keep) rmSync(dir, { recursive: true, force: true });
  };
  // Interrupted (Ctrl-C, a CI timeout): the agents, stress-ng and etcd go with the run.
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ]) {
    process.once(signal, () => {
      void cleanup().finally(() => process.exit(code));
    });
  }
  try {
    running = await setUp(opt, dir, exits, clock);
  } catch (error) {
    await cleanup();
    const message = `could not start the pair: ${error.message}`;
    if (opt.json) console.log(JSON.stringify({ error: { code: "CHAOS_SETUP", message } }));
    else console.error(`chaos: ${message}`);
    process.exit(3);
  }
  const { pair, startup } = running;
  const startNote = startup.actions.length ? `; repair: ${startup.actions.join("; ")}` : "";
  say(`pair started${startNote}${startup.normal ? "" : "; pair NOT normal"}`);

  t0 = performance.now();
  exits.length = 0;
  const sampler = await startSampler({ ports: pair.ports, clock });
  const { windows, done } = await runPhases(opt, { pair, sampler, clock, schedule, randomMs });
  const samples = await sampler.stop();
  const last = windows.at(-1);
  if (last) last.end = clock();
  const why = reasons(pair);
  await cleanup();

  const { rows, totals, takeovers } = tally({ samples, windows, exits });
  const invariants = checkInvariants(rows, { quorum: opt.quorum });
  const result = {
    seed: opt.seed,
    minutes: opt.minutes,
    quorum: opt.quorum,
    profile: opt.profile,
    startup,
    phases: { noFaultMs: opt.noFaultMs, cpuMs: opt.cpuMs, randomMs },
    schedule: done,
    rows,
    totals,
    takeovers,
    reasons: why,
    exits: exits.map((e) => ({ ...e, t: Math.round(e.t) })),
    invariants,
    finalLine: finalLine(totals),
    ...(opt.keep ? { dir } : {}),
  };
  if (opt.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatReport(result));
  if (opt.keep) say(`kept: ${dir}`);
  process.exit(invariants.every((c) => c.ok) ? 0 : 1);
}

await main();
