/**
 * Asterisk integration: the AMI client and what uses it.
 */

export {
  type ActivityMatch,
  type ActivityWatchOptions,
  matchActivity,
  watchActivity,
} from "./activity.js";
export {
  AmiClient,
  type AmiClientEvents,
  type AmiClientOptions,
  type AmiListResult,
} from "./ami-client.js";
export { AmiMessage } from "./ami-message.js";
export { AmiParser, type AmiParserOptions } from "./ami-parser.js";
export { type AsteriskDeps, type AsteriskLink, connectAsterisk } from "./connect.js";
export { type AsteriskProbeConfig, createAsteriskChecker } from "./probe.js";
export {
  type QueueCheck,
  QueueControl,
  type QueueControlOptions,
  type QueueMember,
} from "./queue-control.js";
export {
  AmiRolePush,
  type AmiRolePushOptions,
  ROLE_VARIABLE,
  SERVING_UNTIL_VARIABLE,
} from "./role-push.js";
