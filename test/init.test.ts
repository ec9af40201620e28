/**
 * `tandem init` as an operator runs it: on a server with Asterisk (a fake /etc/asterisk tree in
 * a temp dir, given with --asterisk-etc) and on one where nothing is found. Each written file
 * must pass `tandem config check`, and both nodes of a pair must get the same cluster section.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/index.js";
import { runTandem, tempDir } from "./helpers/processes.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function workDir(): string {
  const { dir, remove } = tempDir("tandem-init-");
  cleanups.push(remove);
  return dir;
}

/** A fake Asterisk server: its config tree, run dir and spool, all under `dir`. */
function fakeAsterisk(dir: string): string {
  const etc = join(dir, "etc-asterisk");
  mkdirSync(etc);
  mkdirSync(join(dir, "spool", "monitor"), { recursive: true });
  const files: Record<string, string> = {
    "asterisk.conf": `[directories](!)\nastetcdir => ${etc}\nastrundir => ${join(dir, "run")}\nastspooldir => ${join(dir, "spool")}\n`,
    "pjsip.conf":
      "[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n\n[transport-tcp]\ntype=transport\nprotocol=tcp\nbind=0.0.0.0:5060\n",
    "manager.conf":
      "[general]\nenabled = yes\nport = 5038\nbindaddr = 127.0.0.1\n\n[admin]\nsecret = ami-password-1\n",
    "res_config_mysql.conf":
      "[general]\ndbhost = 127.0.0.1\ndbname = asterisk\ndbuser = asterisk\ndbpass = db-password-1\ndbport = 3306\n",
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(etc, name), text);
  return etc;
}

function initArgs(dir: string, etc: string, node: "a" | "b", file: string): string[] {
  const [rank, address, peer, peerAddress] =
    node === "a"
      ? ["1", "10.0.0.11", "pbx-b", "10.0.0.12"]
      : ["2", "10.0.0.12", "pbx-a", "10.0.0.11"];
  return [
    "init",
    "-o",
    file,
    "--name",
    `pbx-${node}`,
    "--rank",
    rank,
    "--address",
    address,
    "--peer-name",
    peer,
    "--peer-address",
    peerAddress,
    // Not the default port: nothing here listens, but no test names a demo port.
    "--port",
    "17801",
    "--secret-file",
    join(dir, "cluster.secret"),
    "--asterisk-etc",
    etc,
  ];
}

describe("tandem init", () => {
  it("writes a config with probes for what Asterisk's files show, and it passes tandem config check", async () => {
    const dir = workDir();
    const etc = fakeAsterisk(dir);
    const file = join(dir, "tandem.yaml");
    const result = await runTandem([...initArgs(dir, etc, "a", file), "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      secretCreated: boolean;
      probes: Array<{ name: string; kind: string; target: string; severity: string }>;
    };
    expect(summary.secretCreated).toBe(true);
    expect(summary.probes.map((p) => `${p.name} ${p.kind} ${p.target}`)).toEqual([
      `asterisk process ${join(dir, "run", "asterisk.pid")}`,
      "sip-udp sip sip:127.0.0.1:5060",
      "sip-tcp sip sip:127.0.0.1:5060;transport=tcp",
      "ami tcp 127.0.0.1:5038",
      "db sql mysql://asterisk@127.0.0.1:3306/asterisk",
      `spool file ${join(dir, "spool", ".tandem-stamp")}`,
      "root-disk disk /",
      "load load 5 min per core",
      "memory memory available memory",
    ]);

    const check = await runTandem(["config", "check", file]);
    expect(check.stderr).toBe("");
    expect(check).toMatchObject({ code: 0 });
    expect(check.stdout).toContain(
      `${file}: valid — node "pbx-a", API 0.0.0.0:17801, 9 probes (6 critical, 3 warning)`,
    );

    const text = readFileSync(file, "utf8");
    // Commented: each found probe says where it came from; no password was copied.
    expect(text).toContain(
      "# Asterisk's process, through its pid file (astrundir in asterisk.conf).",
    );
    expect(text).toContain("(res_config_mysql.conf [general])");
    expect(text).not.toContain("db-password-1");
    expect(text).not.toContain("ami-password-1");
    // The secret lives in its own file, never in the config.
    const secret = readFileSync(join(dir, "cluster.secret"), "utf8").trim();
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect(text).not.toContain(secret);
    expect(statSync(join(dir, "cluster.secret")).mode & 0o777).toBe(0o640);
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it("gives both nodes of the pair the same cluster section when run with the roles swapped", async () => {
    const dir = workDir();
    const etc = fakeAsterisk(dir);
    const [fileA, fileB] = [join(dir, "a.yaml"), join(dir, "b.yaml")];
    expect((await runTandem(initArgs(dir, etc, "a", fileA))).code).toBe(0);
    const b = await runTandem(initArgs(dir, etc, "b", fileB));
    expect(b.code).toBe(0);
    // The second node reuses the secret file copied from the first.
    expect(b.stdout).not.toContain("created");
    const [a, bb] = [await loadConfig(fileA), await loadConfig(fileB)];
    expect(a.config.node.name).toBe("pbx-a");
    expect(bb.config.node.name).toBe("pbx-b");
    expect(a.clusterHash).not.toBeNull();
    expect(bb.clusterHash).toBe(a.clusterHash);
  });

  it("with nothing found writes a config for a node alone that passes tandem config check", async () => {
    const dir = workDir();
    const file = join(dir, "tandem.yaml");
    const result = await runTandem([
      "init",
      "-o",
      file,
      "--name",
      "lonely",
      "--asterisk-etc",
      join(dir, "no-asterisk-here"),
      "--secret-file",
      join(dir, "cluster.secret"),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `no Asterisk configuration in ${join(dir, "no-asterisk-here")}`,
    );
    const check = await runTandem(["config", "check", file]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("3 probes (0 critical, 3 warning)");
    const text = readFileSync(file, "utf8");
    expect(text).toContain("# No peer given");
    expect(text).toMatch(/^#cluster:$/m);
  });

  it("does not replace an existing file without --force (exit 2), and names the problem", async () => {
    const dir = workDir();
    const file = join(dir, "tandem.yaml");
    writeFileSync(file, "# the operator's own\n");
    const args = ["init", "-o", file, "--asterisk-etc", join(dir, "none"), "--json"];
    const refused = await runTandem(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${file} exists: give --force to replace it`);
    expect(readFileSync(file, "utf8")).toBe("# the operator's own\n");
    expect((await runTandem([...args, "--force"])).code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("`tandem init`");
  });

  it("exits 1 with TANDEM_ERR_INIT_WRITE's message when the file cannot be written", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "not-a-dir"), "");
    const file = join(dir, "not-a-dir", "tandem.yaml");
    const result = await runTandem(["init", "-o", file, "--asterisk-etc", join(dir, "none")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot write the configuration "${file}":`);
    // A file where the directory should be: the system's reason, with its code.
    expect(result.stderr).toMatch(/: [a-z ]+ \((EEXIST|ENOTDIR)\)\n$/);
  });
});
