/**
 * `tandem init`: discovery of what this server runs (Asterisk's configs, spool file systems)
 * and the commented configuration written from it.
 *
 * @example
 * ```ts
 * import { runInit } from "../init/index.js";
 * await runInit({ output: "/etc/tandem/tandem.yaml", peer: { name: "pbx-b", address: "10.0.0.12" } });
 * ```
 */
export { type ConfSection, confValue, parseAsteriskConf } from "./asterisk-conf.js";
export { type AsteriskDiscovery, discoverAsterisk } from "./discover-asterisk.js";
export { type InitOptions, type InitResult, runInit } from "./init.js";
export { type InitPlan, type PlannedProbe, renderConfig } from "./render-config.js";
export { ensureSecretFile } from "./secret-file.js";
export { type SpoolFileSystem, spoolFileSystems } from "./spool-mounts.js";
