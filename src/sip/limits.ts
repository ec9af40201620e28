/**
 * Bounds on what the parser and the stream framer accept, so that no input can make them use
 * unbounded memory or time.
 */

/** Limits of one SIP message. */
export interface SipLimits {
  /** Largest message, start line to end of body, in bytes. @default 65536 */
  maxMessageBytes: number;
  /** Most header fields (lines after unfolding). @default 100 */
  maxHeaders: number;
}

/** The default limits: 64 KiB (the largest UDP datagram) and 100 header fields. */
export const DEFAULT_SIP_LIMITS: Readonly<SipLimits> = Object.freeze({
  maxMessageBytes: 65_536,
  maxHeaders: 100,
});
