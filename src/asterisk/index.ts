/**
 * Asterisk integration: the AMI client and what uses it.
 */
export {
  AmiClient,
  type AmiClientEvents,
  type AmiClientOptions,
  type AmiListResult,
} from "./ami-client.js";
export { AmiMessage } from "./ami-message.js";
export { AmiParser, type AmiParserOptions } from "./ami-parser.js";
export { type AsteriskDeps, connectAsterisk } from "./connect.js";
export { type AsteriskProbeConfig, createAsteriskChecker } from "./probe.js";
export {
  AmiRolePush,
  type AmiRolePushOptions,
  ROLE_VARIABLE,
  SERVING_UNTIL_VARIABLE,
} from "./role-push.js";
