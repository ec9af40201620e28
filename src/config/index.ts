/**
 * The configuration: loading and validating the YAML file, its types, and the generated JSON
 * Schema and reference.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config/index.js";
 * const { config, hash, warnings } = await loadConfig("/etc/tandem/tandem.yaml");
 * ```
 */
export { formatDuration, parseDuration } from "./duration.js";
export { canonicalJson, configHash } from "./hash.js";
export { CONFIG_SCHEMA_ID, configJsonSchema, type JsonSchema } from "./json-schema.js";
export { type LoadedConfig, type LoadOptions, loadConfig, parseConfigText } from "./load.js";
export type { ConfigProblem } from "./problem.js";
export { configReference } from "./reference.js";
export {
  type Config,
  type ConfigInput,
  configSchema,
  type ProbeConfig,
  type ProbeKind,
  probeSchema,
} from "./schema.js";
