/**
 * The client's decision, with no I/O: given what each server's stream says, which server to
 * use now. The connection calls it on every change and acts on the answer.
 */
import type { ServerView } from "./server-stream.js";

/** A pair policy: `ordered` decides by health checks instead (see `ordered.ts`). */
export type StreamPolicy = "follow" | "sticky";

/** The answer: the server to use (null: none) and why, for logs and consoles. */
export interface Choice {
  url: string | null;
  reason: string;
}

/** Modes in which a node is out of service until an operator acts. */
const OUT_OF_SERVICE = new Set(["SELF_FENCED", "PEER_FENCED"]);

function label(v: ServerView): string {
  return v.node ? `"${v.node}"` : v.url;
}

/**
 * The serving server with the newest term; on a tie the first in list order. A node that
 * says it serves but is behind in term has lost a conflict it has not heard of yet.
 *
 * @example
 * ```ts
 * bestServing(views)?.url; // "http://10.0.0.12:7701"
 * ```
 */
export function bestServing(views: readonly ServerView[]): ServerView | null {
  let best: ServerView | null = null;
  for (const v of views) {
    if (v.state !== "up" || !v.serving) continue;
    if (!best || (v.term ?? 0) > (best.term ?? 0)) best = v;
  }
  return best;
}

/** Why `v` is not one to keep, or null when it still is. */
function problem(v: ServerView, policy: StreamPolicy): string | null {
  if (v.state !== "up") return `${label(v)} unreachable (${v.error ?? "connecting"})`;
  if (OUT_OF_SERVICE.has(v.mode ?? "")) return `${label(v)} is ${v.mode}`;
  if (policy === "follow" && !v.serving) return `${label(v)} stopped serving (${v.mode})`;
  return null;
}

/**
 * Decides the server to use.
 *
 * - `follow`: the serving node, whichever it is (back to the primary after a recovery).
 * - `sticky`: keep the current server while it is reachable and not fenced, even when it
 *   stands by after a failback (its standby redirect still sends requests on); move only when
 *   it is lost or fenced, and never back on its own.
 * - Both: while no server serves (mid-failover), keep the current one if any server answers;
 *   when every server is down, none (the caller reports `lost`).
 *
 * @example
 * ```ts
 * choose("follow", views, "http://10.0.0.11:7701").url; // the serving node's URL
 * ```
 */
export function choose(
  policy: StreamPolicy,
  views: readonly ServerView[],
  current: string | null,
): Choice {
  if (views.every((v) => v.state === "down")) {
    return {
      url: null,
      reason: `every server is unreachable (${views.map((v) => `${label(v)}: ${v.error}`).join(", ")})`,
    };
  }
  const now = views.find((v) => v.url === current) ?? null;
  const why = now ? problem(now, policy) : null;
  const best = bestServing(views);
  const keep = now && !why && (policy === "sticky" || !best || best === now);
  if (now && keep) return { url: now.url, reason: `${label(now)} still in use` };
  if (best) {
    const serves = `${label(best)} serves in term ${best.term ?? "?"}`;
    return { url: best.url, reason: why ? `${why}; ${serves}` : serves };
  }
  return {
    url: current,
    reason: current
      ? `no server serves now; keeping ${now ? label(now) : current}`
      : "no server serves yet",
  };
}
