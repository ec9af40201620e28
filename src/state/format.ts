/**
 * The on-disk format of `node-state.json`: a versioned envelope around the engine's
 * {@link PersistedRecord}, with the wall-clock time of the write for operators reading it.
 */
import { z } from "zod";
import type { PersistedRecord } from "../engine/types.js";

/**
 * The format this version writes and the newest it reads. Bump it when the envelope or the
 * record changes in a way an older reader would misread.
 */
export const STATE_FORMAT = 1;

const since = z.number();
const term = z.number().int().nonnegative();

/** The engine's record; strict so a field this version does not know is never dropped silently. */
const recordSchema = z.strictObject({
  term,
  mode: z.enum(["STARTING", "STANDBY", "ACTIVE", "SELF_FENCED", "PEER_FENCED"]),
  flags: z.strictObject({
    selfFenced: z.strictObject({ since, reason: z.string() }).nullable(),
    peerFenced: z.strictObject({ by: z.string(), term, since }).nullable(),
    suspended: z.strictObject({ by: z.string(), since }).nullable(),
    fencingPeer: z.strictObject({ peer: z.string(), term, since }).nullable(),
  }),
}) satisfies z.ZodType<PersistedRecord>;

/** The whole file: the format first, so a reader can tell a newer file from a broken one. */
const stateFileSchema = z.strictObject({
  format: z.literal(STATE_FORMAT),
  writtenAt: z.iso.datetime(),
  record: recordSchema,
});

/** A decoded state file, or why it is not one. */
export type Decoded = { ok: true; record: PersistedRecord } | { ok: false; problem: string };

/**
 * Checks a parsed state file and takes out its record. A newer format is named as such, so an
 * operator who downgraded knows what happened instead of reading a list of schema errors.
 *
 * @example
 * ```ts
 * decodeState({ format: 2 }); // { ok: false, problem: "written by a newer Tandem (format 2; this version reads format 1)" }
 * ```
 */
export function decodeState(value: unknown): Decoded {
  const format = (value as { format?: unknown } | null)?.format;
  if (typeof format === "number" && format > STATE_FORMAT) {
    const problem = `written by a newer Tandem (format ${format}; this version reads format ${STATE_FORMAT})`;
    return { ok: false, problem };
  }
  const result = stateFileSchema.safeParse(value);
  if (result.success) return { ok: true, record: result.data.record };
  const problem = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(file)"}: ${issue.message}`)
    .join("; ");
  return { ok: false, problem };
}

/**
 * The file text for `record` written at `now`, or why the record cannot be stored. Checking
 * before writing keeps the promise that {@link decodeState} reads back whatever was saved
 * (a `NaN` term, for one, would turn into `null` in JSON).
 *
 * @example
 * ```ts
 * encodeState({ term: 3, mode: "ACTIVE", flags: noFlags() }, new Date()); // { ok: true, text: "{\n  \"format\": 1, …" }
 * ```
 */
export function encodeState(
  record: PersistedRecord,
  now: Date,
): { ok: true; text: string } | { ok: false; problem: string } {
  const file = { format: STATE_FORMAT, writtenAt: now.toISOString(), record };
  const checked = decodeState(file);
  if (!checked.ok) return checked;
  return { ok: true, text: `${JSON.stringify(file, null, 2)}\n` };
}
