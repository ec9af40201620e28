/**
 * The pair's connected clients as the operator sees them: each node's list from
 * `GET /v1/clients`, and which identified clients do not follow a given node yet.
 */
import type { ClientsDocument, ConnectedClient } from "../api/client-wire.js";
import type { PairClient } from "./pair-client.js";

/**
 * One node's clients, or why they could not be read.
 *
 * @example
 * ```ts
 * const r: ClientsReading = { name: "b", doc: null, error: "ECONNREFUSED" };
 * ```
 */
export interface ClientsReading {
  name: string;
  doc: ClientsDocument | null;
  error: string | null;
}

/** Reads both nodes' client lists at once. */
export function readClients(pair: PairClient): Promise<ClientsReading[]> {
  return Promise.all(
    pair.nodes.map(async (n) => {
      try {
        return { name: n.name, doc: await n.client.clients(), error: null };
      } catch (err) {
        return { name: n.name, doc: null, error: (err as Error).message };
      }
    }),
  );
}

/**
 * The identified clients (one entry per session, from any node) that do not follow `node`.
 *
 * @example
 * ```ts
 * notFollowing(await readClients(pair), "a").map((c) => c.name); // ["console-7"]
 * ```
 */
export function notFollowing(readings: ClientsReading[], node: string): ConnectedClient[] {
  const sessions = new Map<string, ConnectedClient>();
  for (const r of readings) {
    for (const c of r.doc?.clients ?? []) {
      if (c.session === null) continue;
      const seen = sessions.get(c.session);
      // A client reports to every node it streams from; a node may not have heard the latest.
      if (!seen || c.follows === node) sessions.set(c.session, c);
    }
  }
  return [...sessions.values()].filter((c) => c.follows !== node);
}

/** `console-7 (10.0.0.31, follows b)`: how a client is named in messages. */
export function describeClient(c: ConnectedClient): string {
  return `${c.name ?? c.session ?? "?"} (${c.remote}, follows ${c.follows ?? "nothing"})`;
}
