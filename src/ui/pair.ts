/**
 * The console's reach to the other node: a {@link PairClient} over the cluster section, signed
 * with the cluster secret held by this agent (never by the browser).
 */
import { PairClient } from "../control/pair-client.js";
import type { ConsoleContext } from "./context.js";

/**
 * The pair client of the console, or null for a standalone node.
 *
 * @example
 * ```ts
 * const pair = consolePair(ctx, 1500);
 * await pair?.read();
 * ```
 */
export function consolePair(ctx: ConsoleContext, timeoutMs: number): PairClient | null {
  const cluster = ctx.config.cluster;
  if (!cluster) return null;
  return new PairClient(cluster, { timeoutMs, ...(ctx.peerTls ? { tls: ctx.peerTls } : {}) });
}
