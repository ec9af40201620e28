/**
 * The console's built files (`dist/ui/page/`: the page, its script modules and its style
 * sheet), read once and kept in memory with their gzip form, so serving them costs the API a
 * lookup and a write.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/**
 * One file of the console.
 *
 * @example
 * ```ts
 * reply.header("etag", asset.etag).type(asset.type).send(asset.gzip);
 * ```
 */
export interface Asset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/**
 * Where the built page lives: beside this module once built (`dist/ui/page/`), or in `dist/`
 * when this module runs from the sources (tests).
 *
 * @example
 * ```ts
 * loadAssets(assetDir());
 * ```
 */
export function assetDir(): string {
  const candidates = [
    fileURLToPath(new URL("./page/", import.meta.url)),
    fileURLToPath(new URL("../../dist/ui/page/", import.meta.url)),
  ];
  return candidates.find((d) => existsSync(join(d, "index.html"))) ?? (candidates[0] as string);
}

/**
 * Reads every servable file of `dir` by URL path (`/` for index.html, `/ui/app.js`, …).
 * Returns an empty map when the console was not built.
 *
 * @example
 * ```ts
 * const assets = loadAssets(assetDir());
 * assets.get("/")?.type; // "text/html; charset=utf-8"
 * ```
 */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    const asset: Asset = {
      body,
      gzip: gzipSync(body, { level: 9 }),
      type,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
    };
    assets.set(name === "index.html" ? "/" : `/ui/${name}`, asset);
  }
  return assets;
}
