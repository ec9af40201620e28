/**
 * SIP as the `sip` probe uses it: the message parser and serializer, the TCP stream framer,
 * Via, CSeq and URI parsing, and the availability responder. The responder's decision and
 * routing stay inside this folder.
 *
 * @example
 * ```ts
 * import { SipResponder } from "../sip/index.js";
 * const responder = new SipResponder({ listeners: config.sip.listeners, availability, logger });
 * await responder.start();
 * ```
 */
export { type CSeq, parseCSeq } from "./cseq.js";
export { SipStreamFramer } from "./framer.js";
export {
  headerValue,
  type SipHeader,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from "./message.js";
export { parseSipMessage } from "./parse.js";
export {
  type SipBoundPort,
  type SipCounters,
  type SipListenerOptions,
  SipResponder,
  type SipResponderLimits,
  type SipResponderOptions,
} from "./responder.js";
export { serializeSipMessage } from "./serialize.js";
export { parseSipUri, type SipTarget } from "./uri.js";
export { parseVia, type Via, viaParam, viaValues } from "./via.js";
