// Builds the console's page into dist/ui/page/: compiles the browser modules of src/ui/page
// with their own tsconfig (DOM types) and copies the HTML and the style sheet beside them.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const src = join(root, "src/ui/page");
const out = join(root, "dist/ui/page");
const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", join(src, "tsconfig.json")],
  { cwd: root, stdio: "inherit" },
);
mkdirSync(out, { recursive: true });
for (const name of readdirSync(src)) {
  if (name.endsWith(".html") || name.endsWith(".css"))
    copyFileSync(join(src, name), join(out, name));
}
process.exit(tsc.status ?? 1);
