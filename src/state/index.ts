/**
 * The node's persisted state: term, mode and fencing flags in `<stateDir>/node-state.json`,
 * replaced atomically so a crash or power cut never loses or tears them.
 *
 * @example
 * ```ts
 * import { StateFile } from "../state/index.js";
 * const file = new StateFile(config.node.stateDir);
 * const state = initialState(options, await file.load());
 * ```
 */
export { STATE_FORMAT } from "./format.js";
export { StateFile } from "./state-file.js";
