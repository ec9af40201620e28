/**
 * Both nodes of a pair as the operator's CLI sees them: one {@link OperatorClient} per node
 * from the cluster section of a configuration file, and the pair's state read from both.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { StatusDocument } from "../api/status-types.js";
import type { ClusterConfig } from "../config/schema.js";
import { AgentUnreachableError, CommandRefusedError, UsageError } from "../errors.js";

import type { AgentTls } from "./agent-request.js";
import { OperatorClient } from "./client.js";

/**
 * What one node answered (or why it did not).
 *
 * @example
 * ```ts
 * const s: NodeReading = { name: "a", rank: 1, status: null, error: "connection refused" };
 * ```
 */
export interface NodeReading {
  name: string;
  rank: number;
  status: StatusDocument | null;
  error: string | null;
}

/**
 * The pair's nodes, reachable by name.
 *
 * @example
 * ```ts
 * const pair = new PairClient(config.cluster);
 * const active = (await pair.read()).find((n) => n.status?.node.mode === "ACTIVE");
 * ```
 */
export class PairClient {
  readonly nodes: ReadonlyArray<{ name: string; rank: number; client: OperatorClient }>;

  /** `tls`: the CA (and client certificate) for `https` nodes. */
  constructor(cluster: ClusterConfig, options: { timeoutMs?: number; tls?: AgentTls } = {}) {
    this.nodes = [...cluster.nodes]
      .sort((x, y) => x.rank - y.rank)
      .map((n) => ({
        name: n.name,
        rank: n.rank,
        client: new OperatorClient({
          name: n.name,
          url: n.api,
          secret: cluster.secret,
          timeoutMs: options.timeoutMs,
          ...(options.tls ? { tls: options.tls } : {}),
        }),
      }));
  }

  /** The client of node `name`; a precise usage error for a name not in the cluster. */
  client(name: string): OperatorClient {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) {
      const names = this.nodes.map((n) => `"${n.name}"`).join(", ");
      throw new UsageError(`"${name}" is not a node of this cluster (nodes: ${names})`);
    }
    return node.client;
  }

  /** Reads both nodes' status at once; a node that does not answer has `error` set. */
  read(): Promise<NodeReading[]> {
    return Promise.all(
      this.nodes.map(async (n) => {
        try {
          return { name: n.name, rank: n.rank, status: await n.client.status(), error: null };
        } catch (err) {
          return { name: n.name, rank: n.rank, status: null, error: (err as Error).message };
        }
      }),
    );
  }

  /**
   * Like {@link read}, but throws an {@link AgentUnreachableError} (exit code 3) when no node
   * answers: a command that needs the pair cannot do anything then, and says so.
   */
  async readAny(what: string): Promise<NodeReading[]> {
    const nodes = await this.read();
    if (nodes.every((n) => n.status === null)) {
      throw new AgentUnreachableError(
        `${what}: no node of the pair answers (${describePair(nodes)})`,
      );
    }
    return nodes;
  }

  /**
   * Polls both nodes until `done` holds, or throws a {@link CommandRefusedError} naming `what`
   * and the last state seen.
   */
  async waitUntil(
    done: (nodes: NodeReading[]) => boolean,
    what: string,
    timeoutMs: number,
  ): Promise<NodeReading[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const nodes = await this.read();
      if (done(nodes)) return nodes;
      if (Date.now() >= deadline) {
        throw new CommandRefusedError(
          `${what} did not happen within ${Math.round(timeoutMs / 1000)} s; now: ${describePair(nodes)}`,
        );
      }
      await sleep(100);
    }
  }
}

/**
 * One line naming each node's mode, e.g. `a STANDBY (term 3), b ACTIVE serving (term 3)`.
 *
 * @example
 * ```ts
 * describePair(await pair.read()); // 'a unreachable (ECONNREFUSED), b ACTIVE serving (term 4)'
 * ```
 */
export function describePair(nodes: NodeReading[]): string {
  return nodes
    .map((n) => {
      if (!n.status) return `${n.name} unreachable (${n.error ?? "no answer"})`;
      const s = n.status;
      return `${n.name} ${s.node.mode}${s.node.serving ? " serving" : ""} (term ${s.cluster?.term ?? "?"})`;
    })
    .join(", ");
}

/**
 * Whether `name` is ACTIVE and serving and no other node is.
 *
 * @example
 * ```ts
 * await pair.waitUntil((n) => soleActive(n, "b"), 'b taking over', 10_000);
 * ```
 */
export function soleActive(nodes: NodeReading[], name: string): boolean {
  return nodes.every((n) =>
    n.name === name
      ? n.status?.node.mode === "ACTIVE" && n.status.node.serving
      : n.status?.node.mode !== "ACTIVE",
  );
}
