/**
 * `tandem bundle` from a real pair: the archive unpacks with the system `tar`, holds what a bug
 * report needs, and no secret appears in any of its files — the cluster secret, the contents
 * of a `${file:…}` reference, and a password in a URL, even where a log line or a state file
 * leaked them.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import { PAIR_SECRET, startPair } from "./helpers/pair.js";
import { runTandem, tempDir } from "./helpers/processes.js";

const cleanups = useCleanups();

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("tandem bundle", () => {
  it("writes a .tar.gz of both nodes' state without a single secret in it", async () => {
    const p = await startPair();
    cleanups.push(() => p.close());
    const FILE_SECRET = "file-secret-token-4f9a27c1";
    const URL_PASSWORD = "pw-in-url-83d1e0";
    const tokenFile = join(p.dir, "api.token");
    writeFileSync(tokenFile, `${FILE_SECRET}\n`);
    // Warning probes holding the other two secrets; they fail (nothing listens) without
    // changing the node's health.
    for (const n of ["a", "b"] as const) {
      const text = readFileSync(p.config[n], "utf8").replace(
        "probes:\n",
        `probes:\n  db: { kind: sql, severity: warning, driver: postgres, url: "postgres://tandem:${URL_PASSWORD}@127.0.0.1:1/asterisk", interval: 2s }\n  crm: { kind: http, severity: warning, url: "http://127.0.0.1:1/health", headers: { Authorization: "Bearer \${file:${tokenFile}}" }, interval: 2s }\n`,
      );
      writeFileSync(p.config[n], text);
    }
    await p.startBoth();
    await p.settled();
    // Secrets that leaked where the bundle looks: a log line and a file in the state dir.
    appendFileSync(
      join(p.dir, "a.log"),
      `${JSON.stringify({ level: "info", msg: `leak ${PAIR_SECRET} ${FILE_SECRET} postgres://u:${URL_PASSWORD}@db` })}\n`,
    );
    writeFileSync(join(p.dir, "state-a", "notes.txt"), `secret=${PAIR_SECRET}\n`);

    const out = tempDir("tandem-bundle-out-");
    cleanups.push(out.remove);
    const archive = join(out.dir, "support.tar.gz");
    const r = await p.cli(["bundle", "-o", archive, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const written = JSON.parse(r.stdout) as { file: string; bytes: number; files: string[] };
    expect(written.file).toBe(archive);
    expect(statSync(archive).mode & 0o777).toBe(0o600);

    const tar = spawnSync("tar", ["-xzf", archive, "-C", out.dir], { encoding: "utf8" });
    expect(tar.status, tar.stderr).toBe(0);
    const [root] = readdirSync(out.dir).filter((n) => n.startsWith("tandem-bundle-a-"));
    expect(root).toBeDefined();
    const files = filesUnder(join(out.dir, root as string)).map((f) =>
      f.slice(join(out.dir, root as string).length + 1),
    );
    expect(files.sort()).toEqual(
      expect.arrayContaining([
        "README.txt",
        "config/check.json",
        "config/tandem.yaml",
        "doctor.json",
        "doctor.txt",
        "failover-log/a.json",
        "failover-log/b.json",
        "logs/agent.log",
        "metrics/a.txt",
        "metrics/b.txt",
        "state/node-state.json",
        "state/notes.txt",
        "status/a.json",
        "status/b.json",
        "versions.json",
      ]),
    );

    // The important part: grep every file for every secret.
    for (const file of files) {
      const text = readFileSync(join(out.dir, root as string, file), "utf8");
      for (const secret of [PAIR_SECRET, FILE_SECRET, URL_PASSWORD]) {
        expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
      }
    }
    const base = join(out.dir, root as string);
    const config = readFileSync(join(base, "config/tandem.yaml"), "utf8");
    expect(config).toContain("secret: <redacted>");
    expect(config).toContain(`postgres://tandem:<redacted>@127.0.0.1:1/asterisk`);
    expect(config).toContain(`\${file:${tokenFile}}`);
    expect(readFileSync(join(base, "logs/agent.log"), "utf8")).toContain(
      "leak <redacted> <redacted> postgres://u:<redacted>@db",
    );
    const statusB = JSON.parse(readFileSync(join(base, "status/b.json"), "utf8"));
    expect(statusB.node.name).toBe("b");
    expect(readFileSync(join(base, "doctor.txt"), "utf8")).toMatch(/doctor on a: \d+ OK/);
    expect(JSON.parse(readFileSync(join(base, "versions.json"), "utf8"))).toMatchObject({
      tandem: expect.any(String),
      node: process.version,
      os: expect.any(String),
    });

    // A bundle never overwrites a file.
    const again = await p.cli(["bundle", "-o", archive, "--json"]);
    expect(again.code).toBe(1);
    expect(JSON.stringify(again)).toMatch(/cannot write the bundle .*support\.tar\.gz.*EEXIST/);
  }, 180_000);

  it("answers --help", async () => {
    const help = await runTandem(["bundle", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Secrets are replaced by <redacted> in every file/);
  }, 60_000);
});
