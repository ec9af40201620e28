/**
 * Report sources: where the lines of a report come from.
 *
 * - `file:PATH` — a queue_log file, read straight into a private in-memory store;
 * - `sql:A` — partition A of the store;
 * - `cluster:A|B|C` — partitions A, B and C as one virtual call center;
 * - `cluster:A|B-|C-` — calls from all three, agent sessions and pauses only from A;
 * - `clustrw:A|B|C` — like `cluster:`, with every agent renamed `A-Agent/101` after its
 *   partition, so equal agent codes on different servers stay different people.
 */
import { SourceInvalidError } from "../errors.js";

/** One partition of a source. */
export interface SourcePartition {
  name: string;
  /** False for `B-`: agent session and pause events of this partition are ignored. */
  agents: boolean;
}

/** A parsed source. */
export type Source =
  | { kind: "file"; path: string }
  | { kind: "sql" | "cluster" | "clustrw"; partitions: SourcePartition[]; rewrite: boolean };

const NAME_RE = /^[A-Za-z0-9_.:@-]+$/;

/**
 * Parses a source string.
 *
 * @example
 * ```ts
 * parseSource("cluster:A|B-|C-");
 * // { kind: "cluster", rewrite: false, partitions: [{ name: "A", agents: true },
 * //   { name: "B", agents: false }, { name: "C", agents: false }] }
 * ```
 * @throws SourceInvalidError on an unknown prefix or a bad partition list
 */
export function parseSource(text: string): Source {
  const colon = text.indexOf(":");
  const prefix = colon < 0 ? "" : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  if (prefix === "file") {
    if (rest === "")
      throw new SourceInvalidError(`source "${text}" names no file: expected file:PATH`);
    return { kind: "file", path: rest };
  }
  if (prefix !== "sql" && prefix !== "cluster" && prefix !== "clustrw") {
    throw new SourceInvalidError(
      `source "${text}" is not valid: expected file:PATH, sql:PARTITION, cluster:A|B|C or clustrw:A|B|C`,
    );
  }
  const items = rest.split("|");
  const partitions: SourcePartition[] = [];
  for (const item of items) {
    const dash = prefix === "cluster" && item.endsWith("-") && item.length > 1;
    const name = dash ? item.slice(0, -1) : item;
    if (!NAME_RE.test(name)) {
      throw new SourceInvalidError(
        `source "${text}": partition name "${item}" is not valid (letters, digits and _ . : @ -${prefix === "cluster" ? ", with an optional trailing - for calls only" : ""})`,
      );
    }
    if (partitions.some((p) => p.name === name)) {
      throw new SourceInvalidError(`source "${text}" names partition "${name}" twice`);
    }
    partitions.push({ name, agents: !dash });
  }
  if (prefix === "sql" && partitions.length !== 1) {
    throw new SourceInvalidError(
      `source "${text}": sql: takes one partition; use cluster:A|B for several`,
    );
  }
  if (!partitions.some((p) => p.agents)) {
    throw new SourceInvalidError(
      `source "${text}": every partition has a dash, so no agent events would be read; leave the dash off at least one`,
    );
  }
  return { kind: prefix, partitions, rewrite: prefix === "clustrw" };
}
