/**
 * Clock skew between the nodes: signed peer messages are refused beyond 30 s, and log lines of
 * the two nodes only line up when the clocks agree.
 */
import { check, type DoctorCheck } from "./types.js";

/** A skew above this is worth fixing (log lines out of order). */
export const SKEW_WARN_MS = 1000;
/** A skew above this is a third of the way to the signature window. */
export const SKEW_FAIL_MS = 10_000;

/**
 * The peer's clock minus ours, from one exchange: the peer read its clock somewhere between
 * `sentAt` and `receivedAt`, so the midpoint is the best guess and half the round trip the error.
 *
 * @example
 * ```ts
 * estimateSkew(1000, 1010, 1400); // { skewMs: 395, errorMs: 5 }
 * ```
 */
export function estimateSkew(
  sentAt: number,
  receivedAt: number,
  peerTime: number,
): { skewMs: number; errorMs: number } {
  const mid = (sentAt + receivedAt) / 2;
  return { skewMs: peerTime - mid, errorMs: (receivedAt - sentAt) / 2 };
}

/**
 * OK below {@link SKEW_WARN_MS}, WARN up to {@link SKEW_FAIL_MS}, FAIL beyond.
 *
 * @example
 * ```ts
 * clockCheck("b", { skewMs: 2500, errorMs: 3 }).status; // "warn"
 * ```
 */
export function clockCheck(peer: string, skew: { skewMs: number; errorMs: number }): DoctorCheck {
  const abs = Math.abs(skew.skewMs);
  const text = `${peer}'s clock is ${Math.round(abs)} ms ${skew.skewMs >= 0 ? "ahead of" : "behind"} this node's (±${Math.ceil(skew.errorMs)} ms)`;
  const fix = "run NTP (chrony or systemd-timesyncd) on both nodes against the same servers";
  if (abs > SKEW_FAIL_MS)
    return check("pair/clock", "fail", `${text}; peer messages are refused beyond 30 s`, fix);
  if (abs > SKEW_WARN_MS) return check("pair/clock", "warn", text, fix);
  return check("pair/clock", "ok", text);
}
