/**
 * A loopback npm registry that serves this checkout's production dependencies, exactly as
 * installed in its node_modules, so a test can `npm install -g` the packed tarball the way an
 * operator does without any traffic leaving the machine.
 *
 * Each package is served at the version package-lock.json locked, as a tarball made from its
 * installed directory. For native modules (a `binding.gyp`) the tarball carries the binding
 * the checkout's own `npm install` compiled and leaves out the sources and build objects:
 * the install runs with `--ignore-scripts`, because better-sqlite3's install script would
 * download a prebuilt binary from GitHub or compile SQLite for minutes.
 *
 * The root package.json's `overrides` are applied to the manifests served, as npm applied them
 * when it wrote the lockfile. npm applies overrides only in the root project: an operator's
 * `npm install -g` against npmjs does not get them (today: cookie 2.x under light-my-request,
 * which fastify loads only for `inject`, with an engine warning on Node 20). Only the
 * lockfile's versions are here to serve.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";

/** A running registry: its URL, and `close()`. */
export interface LocalRegistry {
  url: string;
  /** Names of the packages it serves. */
  names: string[];
  close: () => Promise<void>;
}

interface Served {
  manifest: Record<string, unknown>;
  tarball: Buffer;
}

function tarball(dir: string): Buffer {
  const native = existsSync(join(dir, "binding.gyp"));
  const excludes = ["./node_modules"];
  if (native) {
    excludes.push(
      "./deps",
      "./src",
      "./build/Release/obj*",
      "./build/Release/.deps",
      "./build/deps",
    );
    excludes.push("./build/Release/*.a", "./build/Release/test_*");
  }
  const result = spawnSync(
    "tar",
    [
      "-czf",
      "-",
      "-C",
      dir,
      ...excludes.map((e) => `--exclude=${e}`),
      // npm expects every entry under "package/".
      "--transform",
      "s,^\\.,package,",
      ".",
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`tar of ${dir} failed: ${result.stderr.toString()}`);
  return result.stdout;
}

/**
 * Starts a registry on 127.0.0.1 (a free port) serving the non-dev packages of
 * `root/package-lock.json` from `root/node_modules`.
 */
export async function startLocalRegistry(root: string): Promise<LocalRegistry> {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const { overrides = {} } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    overrides?: Record<string, string>;
  };
  const byName = new Map<string, Map<string, Served>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith("node_modules/") || entry.dev) continue;
    const dir = join(root, path);
    // An optional dependency that was not installed here (another platform's) is not served.
    if (!existsSync(join(dir, "package.json"))) continue;
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      name: string;
      version: string;
      dependencies?: Record<string, string>;
    };
    for (const [name, version] of Object.entries(overrides)) {
      if (manifest.dependencies?.[name] !== undefined) manifest.dependencies[name] = version;
    }
    const versions = byName.get(manifest.name) ?? new Map<string, Served>();
    if (!versions.has(manifest.version))
      versions.set(manifest.version, { manifest, tarball: tarball(dir) });
    byName.set(manifest.name, versions);
  }

  let base = "";
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/").slice(1);
    const tgz = /^(.+)\/-\/(.+)\.tgz$/.exec(path);
    if (tgz) {
      const [, name = "", file = ""] = tgz;
      const version = file.slice(file.lastIndexOf("-") + 1);
      const served = byName.get(name)?.get(version);
      if (!served) return void res.writeHead(404).end();
      return void res
        .writeHead(200, { "content-type": "application/octet-stream" })
        .end(served.tarball);
    }
    const versions = byName.get(path);
    if (!versions) return void res.writeHead(404, { "content-type": "application/json" }).end("{}");
    const entries = [...versions.entries()].map(([version, s]) => {
      const file = `${path.split("/").at(-1)}-${version}.tgz`;
      const integrity = `sha512-${createHash("sha512").update(s.tarball).digest("base64")}`;
      return [
        version,
        { ...s.manifest, dist: { tarball: `${base}/${path}/-/${file}`, integrity } },
      ];
    });
    const latest = [...versions.keys()].at(-1);
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        name: path,
        "dist-tags": { latest },
        versions: Object.fromEntries(entries),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/`,
    names: [...byName.keys()],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // npm keeps its connections alive; close would wait for them.
        server.closeAllConnections();
      }),
  };
}
