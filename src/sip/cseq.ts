/**
 * The CSeq header (RFC 3261 §20.16): a sequence number and the request's method.
 */

/** A parsed CSeq value. */
export interface CSeq {
  /** 0 to 2³¹ − 1. */
  seq: number;
  method: string;
}

const CSEQ = /^(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/;

/**
 * Parses a CSeq value; `undefined` when it is not `NUMBER METHOD` with a number below 2³¹.
 *
 * @example
 * ```ts
 * parseCSeq("63104 OPTIONS"); // { seq: 63104, method: "OPTIONS" }
 * parseCSeq("-1 OPTIONS");    // undefined
 * ```
 */
export function parseCSeq(value: string): CSeq | undefined {
  const m = CSEQ.exec(value.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const seq = Number(m[1]);
  return seq <= 2 ** 31 - 1 ? { seq, method: m[2] } : undefined;
}
