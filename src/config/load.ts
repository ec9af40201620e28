/**
 * Loading the configuration file: read, parse YAML, resolve `${...}`, validate, add the
 * machine-dependent defaults, and fingerprint.
 */
import { readFile, stat } from "node:fs/promises";
import { hostname as osHostname } from "node:os";
import { dirname, resolve } from "node:path";
import { ConfigInvalidError, ConfigReadError } from "../errors.js";
import { apiProblems } from "./api-checks.js";
import { clusterProblems } from "./cluster-checks.js";
import { configHash } from "./hash.js";
import { interpolate } from "./interpolate.js";
import { issueProblems, NO_MESSAGE } from "./issues.js";
import { configJsonSchema } from "./json-schema.js";
import { osReason } from "./os-reason.js";
import { resolveConfigPaths } from "./paths.js";
import { formatProblem, problemsError, sortProblems } from "./problem.js";
import { type Config, configSchema } from "./schema.js";
import { configWarnings, nodeNameFromHost } from "./semantics.js";
import { upstreamProblems } from "./upstream-checks.js";
import { YamlSource } from "./yaml-source.js";

/** Options for {@link loadConfig} and {@link parseConfigText}. */
export interface LoadOptions {
  /** Where `${NAME}` references are looked up. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The host name that `node.name` defaults to. @default os.hostname() */
  hostname?: string;
  /**
   * Directory that relative paths in the config are resolved against.
   * @default the configuration file's directory (`loadConfig`), the working directory (`parseConfigText`)
   */
  baseDir?: string;
}

/** A validated configuration and what was learnt while loading it. */
export interface LoadedConfig {
  /** Defaults applied, durations in milliseconds, and `node.name` always set. */
  config: Config & { node: { name: string } };
  /** The file it came from (or the source name given to `parseConfigText`). */
  path: string;
  /** SHA-256 (hex) of the canonical JSON of `config`: equal for equal settings, however written. */
  hash: string;
  /**
   * SHA-256 (hex) of the `cluster` section (its secret replaced by the secret's own hash), or
   * null without one. Both nodes of a pair must have the same; agents compare it in heartbeats.
   */
  clusterHash: string | null;
  /** Valid but doubtful settings, one `FILE:LINE:COL: PATH: message` line each. */
  warnings: string[];
}

/**
 * Reads and validates the configuration file at `path`.
 *
 * @throws ConfigReadError when the file is missing, unreadable or not a regular file.
 * @throws ConfigInvalidError for YAML syntax and schema violations: every problem, one a line,
 * as `FILE:LINE:COL: PATH: message`; `details` holds them as `{ file, line, column, path, message }`.
 * @throws ConfigSecretError when a `${NAME}` is unset or a `${file:PATH}` cannot be read.
 *
 * @example
 * ```ts
 * const { config, warnings } = await loadConfig("/etc/tandem/tandem.yaml");
 * config.probes.db?.interval; // 1000
 * ```
 */
export async function loadConfig(path: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory())
      throw new ConfigReadError(`cannot read configuration file "${path}": it is a directory`);
    // A FIFO or device would block or never end.
    if (!info.isFile())
      throw new ConfigReadError(`cannot read configuration file "${path}": not a regular file`);
    text = await readFile(path, "utf8");
  } catch (err) {
    if (err instanceof ConfigReadError) throw err;
    throw new ConfigReadError(`cannot read configuration file "${path}": ${osReason(err)}`, {
      cause: err,
      details: { path, code: (err as NodeJS.ErrnoException).code },
    });
  }
  return parseConfigText(text, path, { baseDir: dirname(resolve(path)), ...options });
}

/**
 * Validates configuration text; `source` names it in messages (usually the file path).
 *
 * @throws ConfigInvalidError, ConfigSecretError as {@link loadConfig} does.
 *
 * @example
 * ```ts
 * const { config } = await parseConfigText("probes:\n  pbx: { kind: tcp, port: 5060 }\n", "inline");
 * config.probes.pbx?.interval; // 1000 (from probeDefaults)
 * ```
 */
export async function parseConfigText(
  text: string,
  source: string,
  options: LoadOptions = {},
): Promise<LoadedConfig> {
  const yaml = YamlSource.parse(text, source);
  const templates = await interpolate(yaml, { env: options.env ?? process.env });
  const data = yaml.toJS();
  const result = configSchema.safeParse(data, { error: () => NO_MESSAGE });
  if (!result.success) {
    const problems = issueProblems(result.error.issues, {
      source: yaml,
      templates,
      data,
      schema: configJsonSchema(),
    });
    throw problemsError(ConfigInvalidError, problems);
  }
  const parsed = resolveConfigPaths(result.data, options.baseDir ?? process.cwd());
  const config: LoadedConfig["config"] = {
    ...parsed,
    node: {
      ...parsed.node,
      name: parsed.node.name ?? nodeNameFromHost(options.hostname ?? osHostname()),
    },
  };
  const clusterIssues = [
    ...clusterProblems(config.cluster, config.node.name, yaml),
    ...apiProblems(config, yaml),
    ...upstreamProblems(config, yaml),
  ];
  if (clusterIssues.length > 0) throw problemsError(ConfigInvalidError, clusterIssues);
  const warnings = sortProblems([...yaml.warnings(), ...configWarnings(parsed, yaml)]).map(
    formatProblem,
  );
  const clusterHash = config.cluster
    ? configHash({ ...config.cluster, secret: configHash(config.cluster.secret) })
    : null;
  return { config, path: source, hash: configHash(config), clusterHash, warnings };
}
