/**
 * A probe's `restart` field: restart the resource in place before its failure counts for
 * failover (a restart is cheaper than moving every call), at most `attempts` times per
 * `within`, and optionally on a daily schedule while the node does not serve.
 */
import { z } from "zod";
import { durationField } from "./duration-field.js";

const DAILY_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The `restart` field of a probe.
 *
 * @example
 * ```ts
 * restartSchema.parse({ command: "systemctl restart asterisk" });
 * // { command: "systemctl restart asterisk", attempts: 3, within: 600000, grace: 10000, timeout: 30000 }
 * ```
 */
export const restartSchema = z
  .strictObject({
    command: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).meta({
      description:
        "What restarts the resource: an argument list run directly, or a string (split on spaces and run directly when it has no shell syntax, else run by `/bin/sh -c`).",
    }),
    attempts: z.number().int().min(1).max(100).default(3).meta({
      description:
        "Most restarts after failures within `within`; the next failure counts for failover at once.",
    }),
    within: durationField("The window `attempts` is counted in.").prefault("10m"),
    grace: durationField(
      "Time the resource gets after the restart command ended to be up again (its probe's `rise` good checks) before its failure counts for failover.",
    ).prefault("10s"),
    timeout: durationField(
      "Longest time the restart command may take; its whole process group is then killed and the failure counts.",
    ).prefault("30s"),
    schedule: z
      .string()
      .regex(DAILY_PATTERN, { message: 'expected a local time of day "HH:MM", e.g. "03:30"' })
      .optional()
      .meta({
        description:
          "Also restart every day at this local time (`HH:MM`), only while this node does not serve; when it serves then, the restart waits until it stops serving (after a switchover away from it). Does not count against `attempts`.",
      }),
  })
  .meta({
    description:
      "Restart the resource in place when the probe goes down, and count it down for failover only if the restarts do not bring it back (see docs/probes.md).",
  });

/** The validated `restart` field. */
export type RestartConfig = z.output<typeof restartSchema>;

/**
 * Hours and minutes of a validated `schedule` string.
 *
 * @example
 * ```ts
 * parseDaily("03:30"); // { hour: 3, minute: 30 }
 * ```
 */
export function parseDaily(text: string): { hour: number; minute: number } {
  const m = DAILY_PATTERN.exec(text);
  if (!m) throw new RangeError(`expected a local time of day "HH:MM", got ${JSON.stringify(text)}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}
