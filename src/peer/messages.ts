/**
 * The shapes of the messages agents exchange, checked field by field before anything reaches
 * the engine: a peer running another version, or a bug, must produce a clear 400, never a
 * crash or a half-read view. Unknown extra fields are dropped rather than refused so that a
 * newer peer adding one keeps heartbeats working during a rolling upgrade.
 */
import { z } from "zod";
import type { Mode, PeerView } from "../engine/index.js";

const MODES = [
  "STARTING",
  "STANDBY",
  "ACTIVE",
  "SELF_FENCED",
  "PEER_FENCED",
] as const satisfies readonly Mode[];

const nodeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "expected a node name");
const term = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Engine `now` values: monotonic or wall-clock milliseconds (zod refuses NaN and ±Infinity). */
const instant = z.number();

const flagsSchema = z.object({
  selfFenced: z.object({ since: instant, reason: z.string().max(1000) }).nullable(),
  peerFenced: z.object({ by: nodeName, term, since: instant }).nullable(),
  suspended: z.object({ by: z.string().max(200), since: instant }).nullable(),
  fencingPeer: z.object({ peer: nodeName, term, since: instant }).nullable(),
});

const peerViewSchema = z.object({
  name: nodeName,
  rank: z.number().int().min(1).max(99),
  mode: z.enum(MODES),
  term,
  healthy: z.boolean(),
  serving: z.boolean(),
  flags: flagsSchema,
  configHash: z.string().max(200),
  wallClockMs: z.number().min(0),
  acknowledgedFenceTerm: term.optional(),
  handoverTo: nodeName.optional(),
  witnessRoutesTo: nodeName.optional(),
});

const fenceSchema = z.object({ term });

/**
 * A parsed message, or the first problem found in it, worded to follow "body is" / "reply is".
 *
 * @example
 * ```ts
 * const p: Parsed<{ term: number }> = parseFenceBody(raw);
 * if (!p.ok) console.log(`body is ${p.problem}`); // body is not JSON
 * ```
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * Parses a raw body as a {@link PeerView}.
 *
 * @example
 * ```ts
 * const parsed = parsePeerView(rawBody);
 * if (!parsed.ok) throw new PeerMessageError(`body is ${parsed.problem}`); // "…not a valid peer view: rank: …"
 * ```
 */
export function parsePeerView(body: Buffer): Parsed<PeerView> {
  return parseWith(body, peerViewSchema, "a valid peer view");
}

/**
 * Parses a raw body as a fence or unfence request, `{"term": N}`.
 *
 * @example
 * ```ts
 * parseFenceBody(Buffer.from('{"term":4}')); // { ok: true, value: { term: 4 } }
 * ```
 */
export function parseFenceBody(body: Buffer): Parsed<{ term: number }> {
  return parseWith(body, fenceSchema, 'a fence request {"term": N}');
}

/**
 * Checks an already parsed JSON value as a {@link PeerView} (e.g. the `view` inside a
 * clock refusal).
 *
 * @example
 * ```ts
 * checkPeerView(JSON.parse(body).view); // { ok: true, value: { name: "b", … } }
 * ```
 */
export function checkPeerView(value: unknown): Parsed<PeerView> {
  return checkWith(value, peerViewSchema, "a valid peer view");
}

function parseWith<T>(body: Buffer, schema: z.ZodType<T>, what: string): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, problem: "not JSON" };
  }
  return checkWith(json, schema, what);
}

function checkWith<T>(json: unknown, schema: z.ZodType<T>, what: string): Parsed<T> {
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return { ok: false, problem: `not ${what}: ${where}${issue?.message ?? "invalid"}` };
}
