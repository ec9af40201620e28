/**
 * The doctor's findings as text for a terminal or a file.
 */
import type { Palette } from "../cli/colors.js";
import type { DoctorCheck } from "./types.js";

/**
 * One line per check (`OK  ID  message`), its fix on the next line, and a count.
 *
 * @example
 * ```ts
 * renderChecks("a", checks, palette(false)); // "OK    a/secret  cluster.secret: 32 characters…\n…doctor on a: 17 OK, 1 WARN, 0 FAIL\n"
 * ```
 */
export function renderChecks(node: string, checks: readonly DoctorCheck[], c: Palette): string {
  const width = Math.max(...checks.map((x) => x.id.length));
  const label = { ok: c.green("OK  "), warn: c.yellow("WARN"), fail: c.red("FAIL") } as const;
  const lines = checks.flatMap((x) => [
    `${label[x.status]}  ${x.id.padEnd(width)}  ${x.message}`,
    ...(x.fix ? [`${" ".repeat(width + 8)}${c.dim(`fix: ${x.fix}`)}`] : []),
  ]);
  const count = (s: DoctorCheck["status"]) => checks.filter((x) => x.status === s).length;
  lines.push(`doctor on ${node}: ${count("ok")} OK, ${count("warn")} WARN, ${count("fail")} FAIL`);
  return `${lines.join("\n")}\n`;
}
