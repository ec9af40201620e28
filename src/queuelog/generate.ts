/**
 * A seeded generator of realistic queue_log text for benchmarks and soak tests: calls that
 * ring, are answered, abandoned, time out or get transferred, and agents that log in, pause
 * with a reason and log off. Same seed, same log, byte for byte.
 */

/** Options of {@link generateQueueLog}. */
export interface GeneratorOptions {
  /** @default 1 */
  seed?: number;
  /** Unix time of the first second. @default 1700006400 (2023-11-15 00:00 UTC) */
  start?: number;
  /** Simulated days. @default 1 */
  days?: number;
  /** Average calls per day. @default 20000 */
  callsPerDay?: number;
  /** @default ["sales","support","billing","vip"] */
  queues?: readonly string[];
  /** @default 40 */
  agents?: number;
}

// Weight of each hour of the day (calls come in office hours).
const HOUR_WEIGHT = [
  1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 15, 12, 14, 16, 16, 14, 10, 6, 4, 3, 2, 1, 1,
];
const WEIGHT_SUM = HOUR_WEIGHT.reduce((a, b) => a + b, 0);
const REASONS = ["Lunch", "Break", "Training", ""];
// Longer than any scheduled delay (a shift of about 10 h before AGENTLOGOFF).
const HORIZON = 65_536;

/**
 * Yields the log in chunks of complete lines, in time order.
 *
 * @example
 * ```ts
 * for (const chunk of generateQueueLog({ seed: 7, days: 1, callsPerDay: 1000 })) out.write(chunk);
 * ```
 */
export function* generateQueueLog(o: GeneratorOptions = {}): Generator<string> {
  const rnd = mulberry32(o.seed ?? 1);
  const start = o.start ?? 1_700_006_400;
  const days = o.days ?? 1;
  const perDay = o.callsPerDay ?? 20_000;
  const queues = o.queues ?? ["sales", "support", "billing", "vip"];
  const agents = Array.from({ length: o.agents ?? 40 }, (_, i) => `Agent/${101 + i}`);
  // Future lines, bucketed by second in a ring; every event lies less than HORIZON s ahead.
  const ring: string[][] = Array.from({ length: HORIZON }, () => []);
  const at = (t: number, line: string) => {
    (ring[t % HORIZON] as string[]).push(line);
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const exp = (mean: number) => Math.max(1, Math.round(-Math.log(1 - rnd()) * mean));
  let seq = 0;
  const end = start + days * 86_400;
  let out: string[] = [];
  for (let t = start; t < end + HORIZON; t++) {
    const sod = (t - start) % 86_400;
    if (t < end) {
      if (sod === 0) at(t, `${t}|NONE|NONE|NONE|QUEUESTART|`);
      if (sod === 7 * 3600) {
        for (const a of agents) {
          const t1 = t + Math.floor(rnd() * 1800);
          at(t1, `${t1}|NONE|NONE|${a}|AGENTLOGIN|SIP/${a.slice(6)}-0000${seq++ % 10}`);
          for (const q of queues)
            if (rnd() < 0.5) at(t1, `${t1}|NONE|${q}|${a}|ADDMEMBER|SIP/${a.slice(6)}`);
          const p = t1 + 3600 + Math.floor(rnd() * 14_400);
          at(p, `${p}|NONE|NONE|${a}|PAUSEALL|${pick(REASONS)}`);
          const u = p + exp(600);
          at(u, `${u}|NONE|NONE|${a}|UNPAUSEALL|`);
          const off = t1 + 36_000 + Math.floor(rnd() * 1800);
          at(off, `${off}|NONE|NONE|${a}|AGENTLOGOFF|SIP/${a.slice(6)}|${off - t1}`);
        }
      }
      const hour = Math.floor(sod / 3600);
      let expected = (perDay * (HOUR_WEIGHT[hour] ?? 1)) / WEIGHT_SUM / 3600;
      while (expected > 0) {
        if (rnd() < expected) call(t);
        expected -= 1;
      }
    }
    const bucket = ring[t % HORIZON] as string[];
    if (bucket.length > 0) {
      out.push(bucket.join("\n"), "\n");
      bucket.length = 0;
    }
    if (out.length >= 4096) {
      yield out.join("");
      out = [];
    }
  }
  if (out.length > 0) yield out.join("");

  function call(t: number): void {
    const uid = `${t}.${seq++}`;
    const q = pick(queues);
    const pos = 1 + Math.floor(rnd() * 5);
    at(t, `${t}|${uid}|${q}|NONE|ENTERQUEUE||${5550000 + Math.floor(rnd() * 9999)}|${pos}`);
    const wait = Math.min(exp(25), 600);
    const r = rnd();
    if (r < 0.78) {
      if (rnd() < 0.2) {
        const rt = t + Math.min(wait, 15);
        at(rt, `${rt}|${uid}|${q}|${pick(agents)}|RINGNOANSWER|15000`);
      }
      const c = t + wait;
      const agent = pick(agents);
      at(c, `${c}|${uid}|${q}|${agent}|CONNECT|${wait}|${t}.${seq++}|${1 + Math.floor(rnd() * 8)}`);
      const talk = Math.min(exp(180), 3600);
      const e = c + talk;
      const r2 = rnd();
      if (r2 < 0.05)
        at(e, `${e}|${uid}|${q}|${agent}|TRANSFER|200|from-internal|${wait}|${talk}|${pos}`);
      else
        at(
          e,
          `${e}|${uid}|${q}|${agent}|${r2 < 0.5 ? "COMPLETECALLER" : "COMPLETEAGENT"}|${wait}|${talk}|${pos}`,
        );
    } else if (r < 0.94) {
      at(t + wait, `${t + wait}|${uid}|${q}|NONE|ABANDON|${pos}|${pos}|${wait}`);
    } else if (r < 0.98) {
      const w = 300;
      at(t + w, `${t + w}|${uid}|${q}|NONE|EXITWITHTIMEOUT|1|${pos}|${w}`);
    } else {
      at(t + wait, `${t + wait}|${uid}|${q}|NONE|EXITWITHKEY|1|1|${pos}|${wait}`);
    }
  }
}

/** Small fast seeded PRNG (uniform in [0,1)). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
