import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spoolFileSystems } from "./spool-mounts.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("spoolFileSystems", () => {
  it("gives one directory per file system: the spool, and a subdirectory mounted on its own", () => {
    const root = mkdtempSync(join(tmpdir(), "tandem-spool-"));
    dirs.push(root);
    const spool = join(root, "spool asterisk");
    for (const sub of ["monitor", "voicemail", "outgoing"])
      mkdirSync(join(spool, sub), { recursive: true });
    // A mount table (as in /proc/self/mounts, a space escaped as \040) where the recordings
    // come from NFS and everything else from the root file system.
    const mounts = join(root, "mounts");
    writeFileSync(
      mounts,
      [
        "/dev/sda1 / ext4 rw,relatime 0 0",
        `nas:/rec ${join(spool, "monitor").replaceAll(" ", "\\040")} nfs4 rw 0 0`,
      ].join("\n"),
    );
    expect(spoolFileSystems(spool, mounts)).toEqual([
      { dir: spool, mountPoint: "/", fsType: "ext4" },
      { dir: join(spool, "monitor"), mountPoint: join(spool, "monitor"), fsType: "nfs4" },
    ]);
  });

  it("is empty when the spool directory does not exist", () => {
    expect(spoolFileSystems(join(tmpdir(), "tandem-no-such-spool"))).toEqual([]);
  });
});
