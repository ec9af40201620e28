/**
 * SIP: the message parser and serializer, the TCP stream framer, the availability responder
 * and its pure decision, as used by the responder and the `sip` probe.
 *
 * @example
 * ```ts
 * import { SipResponder } from "../sip/index.js";
 * const responder = new SipResponder({ listeners: config.sip.listeners, availability, logger });
 * await responder.start();
 * ```
 */
export { addressTag, withAddressTag } from "./address.js";
export { requestProblem } from "./check.js";
export { type CSeq, parseCSeq } from "./cseq.js";
export { type FramerOutput, SipStreamFramer } from "./framer.js";
export { splitHeaderList } from "./header-list.js";
export { canonicalHeaderName } from "./header-names.js";
export { DEFAULT_SIP_LIMITS, type SipLimits } from "./limits.js";
export {
  headerValue,
  headerValues,
  SIP_VERSION,
  type SipHeader,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from "./message.js";
export { parseSipMessage, type SipParseResult } from "./parse.js";
export {
  decideSipResponse,
  type SipDecision,
  type SipDecisionInput,
  type SipOutcome,
  type SipPolicy,
} from "./respond.js";
export {
  type SipBoundPort,
  type SipCounters,
  type SipListenerOptions,
  SipResponder,
  type SipResponderLimits,
  type SipResponderOptions,
} from "./responder.js";
export { responseDestination, type SipSource, stampVia } from "./route.js";
export { serializeSipMessage } from "./serialize.js";
export { parseSipUri, type SipTarget } from "./uri.js";
export { formatVia, parseVia, type Via, viaParam, viaValues, withViaParam } from "./via.js";
