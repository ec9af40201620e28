/**
 * Builds `dist/` once before the suite so tests that start real agent processes run the same
 * JavaScript an operator runs. Type errors do not stop the build (tsc still emits); they are
 * printed here and fail `npm run typecheck`, which CI runs separately.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Vitest global setup: compile the sources with the build tsconfig, then the console's page. */
export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const result = spawnSync(
    process.execPath,
    ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  if (result.status !== 0)
    process.stderr.write(`tsc -p tsconfig.build.json:\n${result.stdout}${result.stderr}`);
  const page = spawnSync(process.execPath, ["scripts/build-ui.mjs"], {
    cwd: root,
    encoding: "utf8",
  });
  if (page.status !== 0)
    process.stderr.write(`scripts/build-ui.mjs:\n${page.stdout}${page.stderr}`);
}
