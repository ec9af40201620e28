// What the upstream sees, every 20 ms: each node's role URL (GET /monitor/role straight to the
// agent, not through the proxy) and one SIP OPTIONS to each node's responder. A sample is
// taken on schedule whether or not the previous one has answered; an answer that takes longer
// than `timeoutMs` counts as "not serving" (a frozen node takes no calls).
import { openSipProber } from "./sip-prober.mjs";

async function role(port, timeoutMs) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/monitor/role`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** A node serves in a sample when its role URL or its SIP responder says 200. */
export const serving = (sample, node) => sample.role[node] === 200 || sample.sip[node] === 200;

/**
 * Starts sampling (resolves once the SIP socket is bound); `stop()` resolves with every sample in send order:
 * `{ t, role: { a, b }, sip: { a, b } }` (t in ms on the run's monotonic clock; a status of
 * 0 or null means no answer in time).
 */
export async function startSampler({ ports, clock, periodMs = 20, timeoutMs = 500 }) {
  const sip = await openSipProber();
  const samples = [];
  const pending = new Set();
  let latest = null;
  let holder = null;
  const take = () => {
    const t = clock();
    const p = Promise.all([
      role(ports.api.a, timeoutMs),
      role(ports.api.b, timeoutMs),
      sip.options(ports.sip.a, timeoutMs),
      sip.options(ports.sip.b, timeoutMs),
    ]).then(([ra, rb, sa, sb]) => {
      const sample = { t, role: { a: ra, b: rb }, sip: { a: sa, b: sb } };
      samples.push(sample);
      if (!latest || latest.t < t) latest = sample;
      const a = serving(sample, "a");
      if (a !== serving(sample, "b") && (!holder || holder.t < t))
        holder = { node: a ? "a" : "b", t };
      pending.delete(p);
    });
    pending.add(p);
  };
  const timer = setInterval(take, periodMs);
  take();
  return {
    /** The newest answered sample. */
    latest: () => latest,
    /**
     * The node that served alone in the newest sample where exactly one did: the active one,
     * even when the newest samples timed out on a loaded machine.
     */
    active: () => holder?.node ?? null,
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      sip.close();
      return samples.sort((x, y) => x.t - y.t);
    },
  };
}
