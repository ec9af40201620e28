/**
 * Durations in the configuration: a number of milliseconds or a string such as `500ms`,
 * `1s`, `1.5s`, `2m` or `1h`.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Appended to the description of every duration field (the JSON Schema shows it on hover). */
export const DURATION_HINT = 'Milliseconds, or a string such as "500ms", "2s", "1m".';

/** The pattern a duration string must match (also used by the JSON Schema). */
export const DURATION_PATTERN = "^\\d+(\\.\\d+)?(ms|s|m|h)$";

const DURATION_RE = new RegExp(DURATION_PATTERN);

/**
 * Converts a duration value to whole milliseconds, or returns `undefined` when it is not one.
 *
 * @example
 * ```ts
 * parseDuration("1.5s"); // 1500
 * parseDuration(250);    // 250
 * ```
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  }
  const match = DURATION_RE.exec(value.trim());
  if (!match) return undefined;
  const unit = match[2] as string;
  const amount = Number.parseFloat(value);
  return Math.round(amount * (UNIT_MS[unit] as number));
}

/**
 * Formats milliseconds for people: `750 ms`, `2 s`, `1.5 s`, `3 min`.
 *
 * @example
 * ```ts
 * formatDuration(1500); // "1.5 s"
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Number((ms / 3_600_000).toFixed(1))} h`;
}
