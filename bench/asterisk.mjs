// A real Asterisk 20 for the benchmarks (benchmarks do not import test helpers): the prebuilt
// tree from TANDEM_ASTERISK_TARBALL or ../shared/asterisk/, unpacked once into the temp dir,
// configured with the recipe of docs/integrations/asterisk.md on free loopback ports.
import { execFile, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { exited, freePort } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const NAME = "asterisk-20-pjsip-debian12.tar.xz";

/** The unpacked Asterisk tree (unpacked on first use). */
export function asteriskRoot() {
  const candidates = process.env.TANDEM_ASTERISK_TARBALL
    ? [resolve(process.env.TANDEM_ASTERISK_TARBALL)]
    : [resolve(root, "..", "shared", "asterisk", NAME), join("/work/shared/asterisk", NAME)];
  const tarball = candidates.find((c) => existsSync(c));
  if (!tarball) throw new Error(`Asterisk build not found: looked for ${candidates.join(" and ")}`);
  const sha = createHash("sha256").update(readFileSync(tarball)).digest("hex");
  const tree = join(tmpdir(), `tandem-asterisk-${sha.slice(0, 16)}`);
  if (!existsSync(join(tree, "sbin", "asterisk"))) {
    const work = mkdtempSync(join(tmpdir(), "tandem-asterisk-unpack-"));
    const tar = spawnSync("tar", ["-C", work, "-xJf", tarball], { encoding: "utf8" });
    if (tar.status !== 0) throw new Error(`cannot unpack ${tarball}: ${tar.stderr}`);
    try {
      renameSync(join(work, "asterisk"), tree);
    } catch (err) {
      if (!existsSync(join(tree, "sbin", "asterisk"))) throw err;
    }
    rmSync(work, { recursive: true, force: true });
  }
  return tree;
}

/** The ```ini blocks of the Asterisk recipe whose first line is `; FILE …`, by FILE. */
function recipeBlocks() {
  const doc = readFileSync(join(root, "docs/integrations/asterisk.md"), "utf8");
  const blocks = {};
  for (const m of doc.matchAll(/```ini\n; ([a-z_]+\.conf)\b[^\n]*\n([\s\S]*?)\n```/g))
    blocks[m[1]] = `${blocks[m[1]] ?? ""}${m[2]}\n`;
  return blocks;
}

/**
 * Starts an Asterisk in `dir` with the recipe for responders on `ports` ({ reject, silent });
 * resolves with { amiPort, sipPort, cli, stop }.
 */
export async function startRecipeAsterisk(dir, ports) {
  const tree = asteriskRoot();
  const conf = join(dir, "etc");
  const state = join(dir, "state");
  for (const sub of ["lib", "db", "keys", "spool", "run", "log", "cache", "agi-bin"])
    mkdirSync(join(state, sub), { recursive: true });
  mkdirSync(conf, { recursive: true });
  const amiPort = await freePort();
  const sipPort = await freePort();
  const chanSipPort = await freePort();
  const blocks = recipeBlocks();
  const fill = (t) =>
    t.replaceAll("5070", String(ports.reject)).replaceAll("5073", String(ports.silent));
  const files = {
    "asterisk.conf": `[directories]
astetcdir => ${conf}
astmoddir => ${tree}/lib/asterisk/modules
astdatadir => ${tree}/var/lib/asterisk
astsbindir => ${tree}/sbin
astvarlibdir => ${state}/lib
astdbdir => ${state}/db
astkeydir => ${state}
astspooldir => ${state}/spool
astrundir => ${state}/run
astlogdir => ${state}/log
astcachedir => ${state}/cache
astagidir => ${state}/agi-bin
[options]
verbose = 0
`,
    "modules.conf": `[modules]
autoload = yes
${["chan_console", "chan_alsa", "chan_oss", "chan_mgcp", "chan_skinny", "chan_unistim", "chan_iax2", "pbx_dundi", "res_phoneprov", "res_pjsip_phoneprov_provider"].map((m) => `noload = ${m}.so`).join("\n")}
`,
    "logger.conf": "[logfiles]\nconsole => error\n",
    "manager.conf": `[general]
enabled = yes
port = ${amiPort}
bindaddr = 127.0.0.1
[bench]
secret = benchpass
permit = 127.0.0.1/255.255.255.255
read = all
write = all
`,
    "pjsip.conf": `[transport-udp]
type = transport
protocol = udp
bind = 127.0.0.1:${sipPort}

${fill(blocks["pjsip.conf"])}
[anonymous]
type=endpoint
context=tandem-incoming
disallow=all
allow=ulaw
`,
    "sip.conf": `[general]
udpbindaddr = 127.0.0.1:${chanSipPort}
tcpenable = no

${fill(blocks["sip.conf"])}`,
    "extensions.conf": `${blocks["extensions.conf"]}\n[tandem-none]\n`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(conf, name), text);
  const binary = join(tree, "sbin", "asterisk");
  const confFile = join(conf, "asterisk.conf");
  const child = spawn(binary, ["-f", "-n", "-C", confFile], {
    cwd: dir,
    stdio: "ignore",
    detached: true,
  });
  const cli = (command) =>
    new Promise((ok, fail) =>
      execFile(binary, ["-C", confFile, "-rx", command], { timeout: 5000 }, (err, out) =>
        err ? fail(err) : ok(out),
      ),
    );
  const stop = async () => {
    await cli("core stop now").catch(() => "");
    await Promise.race([exited(child), new Promise((r) => setTimeout(r, 3000))]);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Gone.
    }
    await exited(child);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`asterisk exited while booting (config in ${conf})`);
    try {
      await cli("core waitfullybooted");
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw err;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { amiPort, sipPort, amiUser: "bench", amiSecret: "benchpass", cli, stop };
}
