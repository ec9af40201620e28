/**
 * `GET /ui/api/pair`: what the page cannot read from its own node — the other node's status
 * document and connected clients — the failover log of both nodes merged by time, and the
 * verdict on both nodes' fence flags. This
 * agent asks the other one; the page never talks to it.
 */
import type { FastifyInstance } from "fastify";
import type { ClientsDocument } from "../api/client-wire.js";
import type { StatusDocument } from "../api/status-types.js";
import type { FailoverLogEntry } from "../cluster/failover-log.js";
import { explainFlags, type FlagExplanation } from "../engine/index.js";
import { type ConsoleContext, mayView } from "./context.js";
import { consolePair } from "./pair.js";

/**
 * One other node as the page shows it.
 *
 * @example
 * ```ts
 * const p: PeerReading = { name: "b", url: "http://10.0.0.12:7701", status: null, clients: null, error: "Cannot reach …: ECONNREFUSED" };
 * ```
 */
export interface PeerReading {
  name: string;
  url: string;
  status: StatusDocument | null;
  clients: ClientsDocument | null;
  error: string | null;
}

/** How long one reading of the other node is reused, in ms. */
const CACHE_MS = 1000;

/** Entries of the merged failover log the page gets. */
const LOG_LIMIT = 60;

/**
 * Registers `GET /ui/api/pair`.
 *
 * @example
 * ```ts
 * registerPairRoutes(app, ctx);
 * ```
 */
export function registerPairRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const pair = consolePair(ctx, 1500);
  let last: { at: number; doc: Promise<object> } | null = null;
  app.get("/ui/api/pair", async (req, reply) => {
    if (mayView(ctx, req, reply) !== null) return reply;
    // Every open page asks every 2 s: one reading of the other node serves them all for 1 s.
    if (!last || Date.now() - last.at >= CACHE_MS) last = { at: Date.now(), doc: read() };
    return reply.header("cache-control", "no-store").send(await last.doc);
  });

  async function read(): Promise<object> {
    const others = (pair?.nodes ?? []).filter((n) => n.name !== ctx.name);
    const peers: PeerReading[] = await Promise.all(
      others.map(async ({ name, client }) => {
        const [status, clients] = await Promise.allSettled([client.status(), client.clients()]);
        return {
          name,
          url: client.url,
          status: status.status === "fulfilled" ? status.value : null,
          clients: clients.status === "fulfilled" ? clients.value : null,
          error: status.status === "rejected" ? (status.reason as Error).message : null,
        };
      }),
    );
    const logs = await Promise.allSettled([
      ctx.cluster()?.readLog(LOG_LIMIT) ?? Promise.resolve([]),
      ...others.map(({ client }) => client.log(LOG_LIMIT)),
    ]);
    const log: FailoverLogEntry[] = logs
      .flatMap((l) => (l.status === "fulfilled" ? l.value : []))
      .sort((x, y) => (x.time < y.time ? 1 : x.time > y.time ? -1 : 0))
      .slice(0, LOG_LIMIT);
    return { node: ctx.name, peers, log, fences: fences(ctx.status()) };
  }
}

/** The verdict on both nodes' fence flags, as `tandem status` gives it; null before a heartbeat. */
function fences(status: StatusDocument): FlagExplanation | null {
  const cluster = status.cluster;
  const peer = cluster?.peers[0];
  if (!cluster || !peer?.flags || !peer.mode) return null;
  return explainFlags(
    { name: status.node.name, rank: cluster.rank, flags: cluster.flags, mode: status.node.mode },
    { name: peer.name, rank: peer.rank, flags: peer.flags, mode: peer.mode },
  );
}
