// The seeded fault schedule of `npm run chaos`: the same seed and length give the same list of
// faults, kinds, targets, durations and pauses, printed before the run so a failure can be
// replayed with `--seed`.

/** Every fault kind the random phase draws from, with its relative weight. */
export const FAULT_KINDS = {
  kill: 3,
  stop: 3,
  "partition-full": 2,
  "partition-oneway": 2,
  delay: 2,
  hold: 2,
  "clock-step": 2,
  cpu: 1,
  restarts: 1,
  operator: 2,
};

/**
 * A small seeded generator (mulberry32): good enough spread for a test schedule, and the
 * same on every Node version, which Math.random is not.
 */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [lo, hi]. */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    weighted: (weights) => {
      const entries = Object.entries(weights);
      let r = next() * entries.reduce((s, [, w]) => s + w, 0);
      for (const [key, w] of entries) {
        r -= w;
        if (r < 0) return key;
      }
      return entries.at(-1)[0];
    },
  };
}

const OPERATOR_COMMANDS = ["switchover", "failover", "recover", "clear-fence"];

/** Draws the parameters of one fault of `kind`. */
function draw(rng, kind) {
  // The active node is the interesting target most of the time; the standby sometimes.
  const target = rng.next() < 0.7 ? "active" : "standby";
  switch (kind) {
    case "kill":
      return { target, durationMs: rng.int(500, 3000) }; // down this long, then restarted
    case "stop":
      return { target, durationMs: rng.int(50, 5000) };
    case "partition-full":
      return { durationMs: rng.int(1000, 8000) };
    case "partition-oneway":
      // `to`: the node whose incoming requests are lost (its peer cannot reach it).
      return { to: target, durationMs: rng.int(1000, 8000) };
    case "delay":
      return {
        to: rng.pick(["both", "active", "standby"]),
        delayMs: rng.int(20, 400),
        durationMs: rng.int(2000, 8000),
      };
    case "hold":
      return { to: rng.pick(["both", "active", "standby"]), durationMs: rng.int(500, 5000) };
    case "clock-step": {
      const sign = rng.next() < 0.5 ? -1 : 1;
      const magnitude = rng.pick([1000, 5000, 30_000, 70_000, 120_000, 600_000]);
      return { target, offsetMs: sign * magnitude, durationMs: rng.int(3000, 10_000) };
    }
    case "cpu":
      return { durationMs: rng.int(5000, 15_000) };
    case "restarts":
      return { target, count: rng.int(2, 4), durationMs: rng.int(1500, 4000) };
    case "operator":
      return { command: rng.pick(OPERATOR_COMMANDS), durationMs: 0 };
    default:
      throw new Error(`unknown fault kind "${kind}"`);
  }
}

/**
 * The random phase's faults, one after another, each followed by a quiet pause, until
 * `phaseMs` is used up. `kinds` limits the draw (e.g. ["kill"]).
 *
 * @example
 * buildSchedule({ seed: 7, phaseMs: 60_000, kinds: ["kill", "stop"] })
 * // → [{ index: 1, atMs: 0, kind: "stop", target: "active", durationMs: 1234, pauseMs: 4000 }, …]
 */
export function buildSchedule({ seed, phaseMs, kinds = Object.keys(FAULT_KINDS) }) {
  const rng = prng(seed);
  const weights = Object.fromEntries(kinds.map((k) => [k, FAULT_KINDS[k]]));
  const faults = [];
  let at = 0;
  while (true) {
    const kind = rng.weighted(weights);
    const fault = {
      index: faults.length + 1,
      atMs: at,
      kind,
      ...draw(rng, kind),
      pauseMs: rng.int(3000, 6000),
    };
    if (at + fault.durationMs + fault.pauseMs > phaseMs && faults.length > 0) break;
    faults.push(fault);
    at += fault.durationMs + fault.pauseMs;
    if (at >= phaseMs) break;
  }
  return faults;
}

/** One line per fault, for the printed schedule. */
export function describeFault(f) {
  const at = `${(f.atMs / 1000).toFixed(1).padStart(6)} s`;
  const d = `${f.durationMs} ms`;
  switch (f.kind) {
    case "kill":
      return `${at}  #${f.index} kill: SIGKILL the ${f.target}, restart after ${d}`;
    case "stop":
      return `${at}  #${f.index} stop: SIGSTOP the ${f.target} for ${d}`;
    case "partition-full":
      return `${at}  #${f.index} partition-full: no request passes either way for ${d}`;
    case "partition-oneway":
      return `${at}  #${f.index} partition-oneway: requests to the ${f.to} are lost for ${d}`;
    case "delay":
      return `${at}  #${f.index} delay: +${f.delayMs} ms on requests to ${f.to === "both" ? "both nodes" : `the ${f.to}`} for ${d}`;
    case "hold":
      return `${at}  #${f.index} hold: bytes to ${f.to === "both" ? "both nodes" : `the ${f.to}`} held (connections kept open) for ${d}`;
    case "clock-step":
      return `${at}  #${f.index} clock-step: the ${f.target}'s wall clock ${f.offsetMs > 0 ? "+" : ""}${f.offsetMs / 1000} s for ${d}, then back`;
    case "cpu":
      return `${at}  #${f.index} cpu: stress-ng --cpu 2 for ${d}`;
    case "restarts":
      return `${at}  #${f.index} restarts: the ${f.target} killed and restarted ${f.count} times within ${d}`;
    case "operator":
      return `${at}  #${f.index} operator: tandem ${f.command}`;
    default:
      return `${at}  #${f.index} ${f.kind}`;
  }
}
