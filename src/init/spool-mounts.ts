/**
 * Which file systems hold Asterisk's spool: recordings and voicemail often live on their own
 * (NFS) mount, and a file probe per file system tells a missing mount from a full disk.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";

/** A directory to watch with a file probe and the file system it is on. */
export interface SpoolFileSystem {
  /** The top directory of the spool on this file system. */
  dir: string;
  /** Where that file system is mounted. */
  mountPoint: string;
  /** Its type, e.g. `ext4` or `nfs4`. */
  fsType: string;
}

/** Subdirectories of the spool that are commonly mounted from elsewhere. */
const SPOOL_SUBDIRS = ["monitor", "voicemail", "recording"];

/** `/proc/mounts` escapes spaces and a few other bytes as octal `\040`. */
function unescapeMount(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}

function readMounts(mountsFile: string): Array<{ mountPoint: string; fsType: string }> {
  let text = "";
  try {
    text = readFileSync(mountsFile, "utf8");
  } catch {
    return [{ mountPoint: "/", fsType: "unknown" }];
  }
  return text
    .split("\n")
    .map((line) => line.split(" "))
    .filter((f) => f.length >= 3)
    .map((f) => ({ mountPoint: unescapeMount(f[1] ?? "/"), fsType: f[2] ?? "unknown" }));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The distinct file systems under `spoolDir` (the spool itself and its `monitor`, `voicemail`
 * and `recording` subdirectories that exist), one entry per file system, at the highest
 * directory on it. Empty when the spool directory does not exist.
 *
 * @example
 * ```ts
 * spoolFileSystems("/var/spool/asterisk");
 * // [{ dir: "/var/spool/asterisk", mountPoint: "/", fsType: "ext4" },
 * //  { dir: "/var/spool/asterisk/monitor", mountPoint: "/var/spool/asterisk/monitor", fsType: "nfs4" }]
 * ```
 */
export function spoolFileSystems(
  spoolDir: string,
  mountsFile = "/proc/self/mounts",
): SpoolFileSystem[] {
  const candidates = [spoolDir, ...SPOOL_SUBDIRS.map((d) => join(spoolDir, d))].filter(isDirectory);
  if (candidates.length === 0) return [];
  const mounts = readMounts(mountsFile);
  const found = new Map<string, SpoolFileSystem>();
  for (const dir of candidates) {
    const real = realpathSync(dir);
    // The mount that holds a path is the longest mount point that is a prefix of it; a later
    // mount on the same point hides an earlier one.
    let best = { mountPoint: "/", fsType: "unknown" };
    for (const m of mounts) {
      const under =
        real === m.mountPoint || real.startsWith(m.mountPoint === "/" ? "/" : `${m.mountPoint}/`);
      if (under && m.mountPoint.length >= best.mountPoint.length) best = m;
    }
    if (!found.has(best.mountPoint)) found.set(best.mountPoint, { dir, ...best });
  }
  return [...found.values()];
}
