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
