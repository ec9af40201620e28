/**
 * Resolves the relative paths of a validated configuration against the configuration file's
 * directory, so the same file behaves the same whatever directory the agent starts in.
 */
import { isAbsolute, resolve } from "node:path";
import type { Config, ProbeConfig } from "./schema.js";

function at(baseDir: string, path: string): string;
function at(baseDir: string, path: string | undefined): string | undefined;
function at(baseDir: string, path: string | undefined): string | undefined {
  return path === undefined || isAbsolute(path) ? path : resolve(baseDir, path);
}

function resolveProbe(probe: ProbeConfig, baseDir: string): ProbeConfig {
  switch (probe.kind) {
    case "file":
      return { ...probe, stamp: at(baseDir, probe.stamp), testDir: at(baseDir, probe.testDir) };
    case "disk":
      return { ...probe, path: at(baseDir, probe.path) };
    case "process":
      return { ...probe, pidFile: at(baseDir, probe.pidFile) };
    case "command":
      return { ...probe, cwd: at(baseDir, probe.cwd ?? ".") };
    default:
      return probe;
  }
}

/**
 * Returns `config` with `node.stateDir`, `log.file`, the `api.tls` files, the probes' file paths and every command
 * probe's and command hook's working directory made absolute against `baseDir`.
 *
 * @example
 * ```ts
 * resolveConfigPaths(config, "/etc/tandem").node.stateDir; // "/etc/tandem/state" for "state"
 * ```
 */
export function resolveConfigPaths<C extends Config>(config: C, baseDir: string): C {
  return {
    ...config,
    node: { ...config.node, stateDir: at(baseDir, config.node.stateDir) },
    log: { ...config.log, file: at(baseDir, config.log.file) },
    api: config.api.tls
      ? {
          ...config.api,
          tls: {
            ...config.api.tls,
            cert: at(baseDir, config.api.tls.cert),
            key: at(baseDir, config.api.tls.key),
            ca: at(baseDir, config.api.tls.ca),
          },
        }
      : config.api,
    probes: Object.fromEntries(
      Object.entries(config.probes).map(([name, probe]) => [name, resolveProbe(probe, baseDir)]),
    ),
    hooks: config.hooks
      ? (Object.fromEntries(
          Object.entries(config.hooks).map(([event, hooks]) => [
            event,
            hooks.map((h) => ("command" in h ? { ...h, cwd: at(baseDir, h.cwd ?? ".") } : h)),
          ]),
        ) as C["hooks"])
      : config.hooks,
  };
}
