/**
 * Upstreams told of this node's serving state the moment it changes: Kamailio dispatchers
 * over JSON-RPC.
 */
export { attachUpstream } from "./attach.js";
export { KamailioPush, type KamailioPushOptions } from "./kamailio-push.js";
export {
  type DispatcherState,
  type SetState,
  setDispatcherState,
} from "./kamailio-rpc.js";
