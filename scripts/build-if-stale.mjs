// `npm start` builds first only when a source changed since the last build: compares the newest
// modification time under src/ (and the tsconfig files) with dist/.build-stamp.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const stamp = join(root, "dist/.build-stamp");

function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const sources = Math.max(
  newest(join(root, "src")),
  ...["tsconfig.json", "tsconfig.build.json"].map((f) => statSync(join(root, f)).mtimeMs),
);
let built = 0;
try {
  built = statSync(stamp).mtimeMs;
} catch {
  // never built
}
if (built >= sources) process.exit(0);

process.stderr.write(built === 0 ? "building dist/ …\n" : "sources changed: rebuilding dist/ …\n");
const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
  { cwd: root, stdio: "inherit" },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const page = spawnSync(process.execPath, [join(root, "scripts/build-ui.mjs")], {
  cwd: root,
  stdio: "inherit",
});
if (page.status !== 0) process.exit(page.status ?? 1);
writeFileSync(stamp, `${new Date().toISOString()}\n`);
