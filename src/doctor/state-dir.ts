/**
 * The state directory: the agent persists its fence flags there, so a node that cannot write
 * and fsync it forgets a fence on restart.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { osReason } from "../config/os-reason.js";
import { check, type DoctorCheck } from "./types.js";

/**
 * Creates the directory if needed, then writes, fsyncs and removes a probe file in it.
 *
 * @example
 * ```ts
 * await stateDirCheck("a", "/var/lib/tandem"); // { id: "a/state-dir", status: "ok", … }
 * ```
 */
export async function stateDirCheck(node: string, dir: string): Promise<DoctorCheck> {
  const id = `${node}/state-dir`;
  const probe = join(dir, `.doctor-${randomBytes(4).toString("hex")}`);
  let step = "create";
  try {
    await mkdir(dir, { recursive: true });
    step = "write";
    const handle = await open(probe, "wx", 0o600);
    try {
      await handle.writeFile("tandem doctor\n");
      step = "fsync";
      await handle.sync();
    } finally {
      await handle.close();
    }
    return check(id, "ok", `state dir "${dir}" is writable and fsync works`);
  } catch (err) {
    return check(
      id,
      "fail",
      `state dir "${dir}": cannot ${step}: ${osReason(err)}`,
      `make "${dir}" a local directory owned by the user the agent runs as (e.g. install -d -o tandem ${dir})`,
    );
  } finally {
    await rm(probe, { force: true });
  }
}
