/**
 * Checks that need the whole validated configuration rather than one field, and the defaults
 * that depend on the machine.
 */
import { formatDuration } from "./duration.js";
import { type ConfigProblem, formatPath } from "./problem.js";
import type { Config } from "./schema.js";
import type { YamlSource } from "./yaml-source.js";

/**
 * A node name made from a host name: characters outside `[A-Za-z0-9_.-]` become `-`, it starts
 * with a letter or digit and has at most 63 characters.
 *
 * @example
 * ```ts
 * nodeNameFromHost("pbx 1.example.com"); // "pbx-1.example.com"
 * ```
 */
export function nodeNameFromHost(hostname: string): string {
  const name = hostname
    .replace(/[^A-Za-z0-9_.-]/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 63);
  return name || "tandem";
}

/**
 * Settings that are valid but probably not meant, located. Currently: a timeout that is not
 * shorter than its interval, so a check that hangs delays the next one. Reported once for
 * `probeDefaults`, and for each probe that sets its own timeout or interval.
 */
export function configWarnings(config: Config, source: YamlSource): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  const check = (path: string[], timeout: number, interval: number) => {
    if (timeout < interval) return;
    // Point at the setting the user wrote: the timeout if there is one here, else the interval.
    const timeoutAt = source.locate([...path, "timeout"]);
    const at =
      timeoutAt.depth === path.length + 1 ? timeoutAt : source.locate([...path, "interval"]);
    warnings.push(
      source.problemAtNode(
        at.node,
        at.key,
        formatPath(path),
        `timeout (${formatDuration(timeout)}) is not shorter than interval (${formatDuration(interval)}), so a check that hangs delays the next one`,
      ),
    );
  };
  const defaults = config.probeDefaults;
  check(["probeDefaults"], defaults.timeout, defaults.interval);
  for (const [name, probe] of Object.entries(config.probes)) {
    // A probe that inherits both is covered by the warning about probeDefaults.
    if (probe.timeout === undefined && probe.interval === undefined) continue;
    check(["probes", name], probe.timeout ?? defaults.timeout, probe.interval ?? defaults.interval);
  }
  return warnings;
}
