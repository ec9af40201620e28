/**
 * Hook commands: a hook that cannot start fails at the worst moment, during a failover.
 */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import type { HooksConfig } from "../hooks/schema.js";
import { check, type DoctorCheck } from "./types.js";

/** Words `/bin/sh` runs itself: nothing to find on disk. */
const SHELL_WORDS = new Set(
  "if for while until case { ( ! [ [[ test echo printf exec cd true false : . set export eval exit".split(
    " ",
  ),
);

/**
 * The program a command hook starts: the first word of a shell string, the first item of a list;
 * null for a shell construct that runs no program by itself (`if …`, `echo …`).
 *
 * @example
 * ```ts
 * programOf("/etc/tandem/vip-up eth0"); // "/etc/tandem/vip-up"
 * programOf(["ip", "addr", "add"]);     // "ip"
 * programOf("echo hello >> /tmp/x");   // null
 * ```
 */
export function programOf(command: string | readonly string[]): string | null {
  if (typeof command !== "string") return command[0] ?? null;
  const words = command.trim().split(/\s+/);
  // Leading VAR=value assignments set the environment of the program that follows.
  const first = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) ?? "";
  const word = first.replace(/^['"]|['"]$/g, "");
  if (word === "" || SHELL_WORDS.has(word)) return null;
  return word;
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Where the program would be found: a path against `cwd`, a bare name along `PATH`. */
async function findProgram(program: string, cwd: string | undefined): Promise<string | null> {
  if (program.includes("/")) {
    const path = isAbsolute(program) ? program : resolve(cwd ?? ".", program);
    return (await executable(path)) ? path : null;
  }
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && (await executable(join(dir, program)))) return join(dir, program);
  }
  return null;
}

/**
 * Checks that every command hook's program exists and is executable (webhooks are only
 * counted: calling one would act on the pair).
 *
 * @example
 * ```ts
 * await hooksCheck("a", config.hooks); // { status: "fail", message: 'hook "active" #1: "/etc/tandem/vip-up" is not executable', … }
 * ```
 */
export async function hooksCheck(
  node: string,
  hooks: HooksConfig | undefined,
): Promise<DoctorCheck> {
  const id = `${node}/hooks`;
  const problems: string[] = [];
  let commands = 0;
  let webhooks = 0;
  for (const [event, list] of Object.entries(hooks ?? {})) {
    for (const [i, hook] of list.entries()) {
      if (!("command" in hook)) {
        webhooks++;
        continue;
      }
      commands++;
      const program = programOf(hook.command);
      if (program === null) continue;
      if (hook.cwd && !(await stat(hook.cwd).catch(() => null))?.isDirectory()) {
        problems.push(`hook "${event}" #${i + 1}: working directory "${hook.cwd}" does not exist`);
      } else if (!(await findProgram(program, hook.cwd))) {
        problems.push(
          `hook "${event}" #${i + 1}: "${program}" is not an executable file${program.includes("/") ? "" : " on PATH"}`,
        );
      }
    }
  }
  if (problems.length > 0) {
    return check(
      id,
      "fail",
      problems.join("; "),
      "install the hook's program (chmod +x), or fix the path in the hooks section",
    );
  }
  if (commands + webhooks === 0) return check(id, "ok", "no hooks configured");
  return check(
    id,
    "ok",
    `${commands} command hook${commands === 1 ? "" : "s"} can start${webhooks > 0 ? `, ${webhooks} webhook${webhooks === 1 ? "" : "s"} (not called)` : ""}`,
  );
}
