// Applies one scheduled fault to the running pair and undoes it, then brings the pair back to
// its normal shape (one node serving, the other a clean standby) the way an operator would,
// so the next fault starts from a redundant pair. What each step did is kept for the report.
import { spawn } from "node:child_process";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const other = (n) => (n === "a" ? "b" : "a");

const loads = new Set();

/** Runs `stress-ng --cpu 2` for `ms`; resolves when it has ended. */
export function saturateCpu(ms) {
  if (ms <= 0) return Promise.resolve(); // stress-ng takes a zero timeout as "run forever"
  const child = spawn(
    "/usr/bin/stress-ng",
    ["--cpu", "2", "--timeout", `${Math.ceil(ms / 1000)}s`, "--quiet"],
    { stdio: "ignore" },
  );
  loads.add(child);
  const ended = new Promise((r) => child.on("exit", r));
  const killer = setTimeout(() => child.kill("SIGKILL"), ms + 5000);
  return ended.then(() => {
    clearTimeout(killer);
    loads.delete(child);
  });
}

/** Ends any CPU load still running (an interrupted run). */
export function stopCpuLoad() {
  // stress-ng's workers end with their parent on SIGTERM.
  for (const child of loads) child.kill("SIGTERM");
}

/** The node the sampler last saw serving alone ("a" before it has seen one). */
function activeNode(sampler) {
  return sampler.active() ?? "a";
}

function resolve(sampler, target) {
  const active = activeNode(sampler);
  return target === "standby" ? other(active) : active;
}

function proxiesFor(pair, sampler, to) {
  if (to === "both") return [pair.proxies.a, pair.proxies.b];
  return [pair.proxies[resolve(sampler, to)]];
}

async function operator(pair, sampler, command) {
  const standby = resolve(sampler, "standby");
  const args = {
    switchover: ["switchover", "--to", standby, "--wait", "5"],
    failover: ["failover", "--wait", "5"],
    recover: ["recover", "--yes", "--queues-paused", "--settle", "5"],
    "clear-fence": ["clear-fence", standby],
  }[command];
  const { code, out } = await pair.cli([...args, "--by", "chaos", "--json"]);
  return `tandem ${args.join(" ")}: exit ${code}${code === 0 ? "" : ` ${out.replace(/\s+/g, " ").slice(0, 300)}`}`;
}

/** Applies `fault`, waits its duration, undoes it. Resolves with a note on what was done. */
export async function applyFault(fault, { pair, sampler }) {
  switch (fault.kind) {
    case "kill": {
      const n = resolve(sampler, fault.target);
      await pair.kill(n);
      await sleep(fault.durationMs);
      pair.start(n);
      return `killed ${n}, restarted`;
    }
    case "stop": {
      const n = resolve(sampler, fault.target);
      pair.signal(n, "SIGSTOP");
      await sleep(fault.durationMs);
      pair.signal(n, "SIGCONT");
      return `stopped ${n}`;
    }
    case "partition-full":
    case "partition-oneway":
    case "hold":
    case "delay": {
      const to = fault.kind === "partition-full" ? "both" : fault.to;
      const proxies = proxiesFor(pair, sampler, to);
      const mode =
        { "partition-full": "drop", "partition-oneway": "drop" }[fault.kind] ?? fault.kind;
      for (const p of proxies) p.set(mode, fault.delayMs ?? 0);
      await sleep(fault.durationMs);
      for (const p of proxies) p.set("pass");
      return `${mode} on ${proxies.map((p) => (p === pair.proxies.a ? "a" : "b")).join("+")}`;
    }
    case "clock-step": {
      const n = resolve(sampler, fault.target);
      pair.setClockOffset(n, fault.offsetMs);
      await sleep(fault.durationMs);
      pair.setClockOffset(n, 0);
      return `stepped ${n}`;
    }
    case "cpu":
      await saturateCpu(fault.durationMs);
      return "stress-ng ended";
    case "restarts": {
      const n = resolve(sampler, fault.target);
      const each = fault.durationMs / fault.count;
      for (let i = 0; i < fault.count; i++) {
        await pair.kill(n);
        await sleep(each / 2);
        pair.start(n);
        await sleep(each / 2);
      }
      return `restarted ${n} ${fault.count} times`;
    }
    case "operator":
      return operator(pair, sampler, fault.command);
    default:
      throw new Error(`unknown fault kind "${fault.kind}"`);
  }
}

async function status(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/status`, {
      signal: AbortSignal.timeout(1000),
    });
    return await res.json();
  } catch {
    return null;
  }
}

const clean = (st) => {
  const f = st?.cluster?.flags ?? {};
  return Boolean(st) && !f.selfFenced && !f.peerFenced && !f.suspended && !f.fencingPeer;
};

/** One node serving and clean, the other STANDBY and clean: the pair is redundant again. */
async function normal(pair) {
  const [a, b] = [await status(pair.ports.api.a), await status(pair.ports.api.b)];
  if (!a || !b || !clean(a) || !clean(b)) return { ok: false, a, b };
  const sa = a.node.serving;
  const sb = b.node.serving;
  const ok = sa !== sb && (sa ? b : a).node.mode === "STANDBY";
  return { ok, a, b };
}

/**
 * Waits for the pair to be normal again; if it is not within a few seconds, repairs it with
 * operator commands (restart a dead agent, clear fences, resume, activate). Resolves with the
 * commands it ran (empty when none was needed) and whether the pair ended normal.
 */
export async function repair(pair, { graceMs = 4000, limitMs = 180_000 } = {}) {
  const actions = [];
  const started = performance.now();
  for (const n of ["a", "b"])
    if (!pair.running(n)) {
      pair.start(n);
      actions.push(`started ${n}`);
    }
  for (;;) {
    const state = await normal(pair);
    if (state.ok) return { actions, normal: true };
    const waited = performance.now() - started;
    if (waited > limitMs) return { actions, normal: false };
    if (waited < graceMs) {
      await sleep(200);
      continue;
    }
    const run = async (args) => {
      const { code } = await pair.cli([...args, "--by", "chaos-repair", "--json"]);
      actions.push(`tandem ${args.join(" ")}: exit ${code}`);
    };
    const { a, b } = state;
    const servingNodes = [a, b].filter((st) => st?.node.serving).map((st) => st.node.name);
    if (servingNodes.length === 0) {
      await run(["activate", "a"]);
    } else if (servingNodes.length === 2) {
      await run(["deactivate", "b"]);
    }
    for (const [n, st] of [
      ["a", a],
      ["b", b],
    ]) {
      if (st && !clean(st)) {
        if (st.cluster.flags.suspended) await run(["resume", n]);
        await run(["clear-fence", n]);
      }
    }
    // Commands take effect over a few heartbeats; give them time before looking again.
    await sleep(3000);
  }
}
