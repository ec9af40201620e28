/**
 * Asks the witness whether this node can still reach the rest of the world, and — for a
 * load-balancer witness — which node the virtual IP routes to.
 */
import type { EngineInput } from "../engine/types.js";

/** The header every agent response carries, so a load balancer's answer names its node. */
export const NODE_HEADER = "x-tandem-node";

/**
 * One witness check: a GET of `url` bounded by `timeoutMs`. Any 2xx/3xx answer means
 * reachable; the `X-Tandem-Node` header of the answer (set by the agent behind the VIP) says
 * where the VIP routes. The request names the asking node in the same header, for the
 * witness's own logs.
 *
 * @example
 * ```ts
 * await checkWitness("http://10.0.0.10:7701/monitor/live", 400);
 * // { type: "witness", reachable: true, routesTo: "a" }
 * ```
 */
export async function checkWitness(
  url: string,
  timeoutMs: number,
  selfName?: string,
): Promise<Extract<EngineInput, { type: "witness" }>> {
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
      headers: selfName ? { [NODE_HEADER]: selfName } : {},
    });
    await res.body?.cancel();
    const reachable = res.status >= 200 && res.status < 400;
    const routesTo = res.headers.get(NODE_HEADER) ?? undefined;
    return routesTo ? { type: "witness", reachable, routesTo } : { type: "witness", reachable };
  } catch {
    return { type: "witness", reachable: false };
  }
}
