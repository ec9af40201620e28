/**
 * Replacing a small file so that a crash at any instant leaves either the old or the new
 * content, never a torn or empty file: the POSIX write-temp, fsync, rename, fsync-directory
 * sequence.
 */
import { randomBytes } from "node:crypto";
import { open, readdir, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** The prefix of the temporary files next to `path`: anything with it is a leftover or in flight. */
function tempPrefix(path: string): string {
  return `${basename(path)}.tmp-`;
}

/**
 * Writes `text` to `path` atomically and durably. The temporary file lives in the same
 * directory because `rename` is only atomic within one file system; the directory is synced
 * after the rename because until then the new name itself may not survive a power cut.
 * On failure the temporary file is removed and the old content of `path` is untouched.
 *
 * @example
 * ```ts
 * await writeFileAtomic("/var/lib/tandem/node-state.json", JSON.stringify(state));
 * ```
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = join(
    dirname(path),
    `${tempPrefix(path)}${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
  await syncDirectory(dirname(path));
}

/**
 * Removes the temporary files a killed writer left next to `path`. Only the single writer of
 * `path` may call this: another writer's temporary file is in flight, not stale.
 *
 * @example
 * ```ts
 * await removeStaleTemps("/var/lib/tandem/node-state.json"); // before the first save
 * ```
 */
export async function removeStaleTemps(path: string): Promise<void> {
  const prefix = tempPrefix(path);
  const dir = dirname(path);
  for (const name of await readdir(dir)) {
    if (name.startsWith(prefix)) await unlink(join(dir, name)).catch(() => {});
  }
}

/**
 * Makes the entries of `dir` (a rename, a new file or subdirectory) durable.
 *
 * @example
 * ```ts
 * await syncDirectory("/var/lib"); // after creating /var/lib/tandem
 * ```
 */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
