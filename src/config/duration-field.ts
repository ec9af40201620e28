/**
 * The zod field for a positive duration, shared by every part of the configuration schema.
 */
import { z } from "zod";
import { DURATION_HINT, DURATION_PATTERN, parseDuration } from "./duration.js";

/** A duration: milliseconds as a number, or a string like `500ms`, `2s`, `1m`. */
const durationBase = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(new RegExp(DURATION_PATTERN), {
      message: 'expected a duration such as "500ms", "2s" or "1m"',
    }),
  ])
  .transform((v) => parseDuration(v) as number);

const positiveDurationBase = durationBase.refine((ms) => ms > 0, {
  message: "expected a duration above 0",
});

/**
 * A positive duration field, parsed to milliseconds; `description` says what it is for.
 *
 * @example
 * ```ts
 * const timeout = durationField("Longest wait.").prefault("10s");
 * timeout.parse("1.5s"); // 1500
 * ```
 */
export function durationField(description: string) {
  return positiveDurationBase.meta({ description: `${description} ${DURATION_HINT}` });
}
