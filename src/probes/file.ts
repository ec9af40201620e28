/**
 * The `file` probe, modelled on a voice-response system's resource monitor: the stamp file
 * proves the right file system is mounted, and a write/read test proves it works. Every file
 * system call runs in a watchdog child process (see `file-watchdog.ts`).
 */
import { dirname } from "node:path";
import type { ProbeConfig } from "../config/schema.js";
import type { StampIdentity } from "./file-protocol.js";
import { createFileCheckRunner } from "./file-watchdog.js";
import { fail, settle } from "./result.js";
import type { CheckerContext, ProbeChecker } from "./types.js";

/** The config of a `file` probe. */
export type FileProbeConfig = Extract<ProbeConfig, { kind: "file" }>;

/**
 * Creates the checker of a `file` probe.
 *
 * With `stampId`, the stamp's content must equal it. Without, the identity (content, device,
 * inode) seen by the first successful check is remembered and every later check must find the
 * same: a stamp that changed means another file system (or a restored copy) is mounted, so
 * the probe keeps failing until the agent restarts or `stampId` is configured.
 *
 * @example
 * ```ts
 * const checker = createFileChecker(
 *   { kind: "file", stamp: "/var/spool/asterisk/monitor/.tandem-stamp", write: true },
 *   { probeName: "recordings", hostname: "pbx1", timeoutMs: 2000 },
 * );
 * await checker.check(signal);
 * // { status: "ok", message: "stamp /var/spool/…/.tandem-stamp ok, wrote and read back …/.tandem-pbx1 in 4 ms" }
 * await checker.close(); // kills the child process
 * ```
 */
export function createFileChecker(config: FileProbeConfig, ctx: CheckerContext): ProbeChecker {
  const runner = createFileCheckRunner();
  let remembered: StampIdentity | undefined;
  const request = {
    stamp: config.stamp,
    ...(config.stampId === undefined ? {} : { stampId: config.stampId }),
    testDir: config.testDir ?? dirname(config.stamp),
    write: config.write,
    hostname: ctx.hostname,
  };
  return {
    check: (signal) =>
      settle(signal, async () => {
        const reply = await runner.run(request, signal);
        if (config.stampId === undefined && reply.identity !== undefined) {
          if (remembered === undefined) {
            if (reply.status === "ok") remembered = reply.identity;
          } else {
            const changes = identityChanges(remembered, reply.identity);
            if (changes !== "") {
              return fail(
                `stamp ${config.stamp} changed identity (${changes}): another file system mounted?`,
              );
            }
          }
        }
        return { status: reply.status, message: reply.message };
      }),
    close: () => runner.close(),
  };
}

/** What differs between two identities, e.g. `inode 1234 → 5678`; empty when they match. */
function identityChanges(before: StampIdentity, now: StampIdentity): string {
  const changes: string[] = [];
  if (before.content !== now.content) {
    changes.push(`content ${JSON.stringify(before.content)} → ${JSON.stringify(now.content)}`);
  }
  if (before.dev !== now.dev) changes.push(`device ${before.dev} → ${now.dev}`);
  if (before.ino !== now.ino) changes.push(`inode ${before.ino} → ${now.ino}`);
  return changes.join(", ");
}
