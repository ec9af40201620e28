/**
 * A real Asterisk 20 for tests: the prebuilt tree of `../shared/asterisk/` (see its README)
 * unpacked once into a cache under the OS temp dir, started in the foreground with
 * configuration files the test writes, on free loopback ports and in a temp dir.
 *
 * Config files: `asterisk.conf` is always the harness's (it points every directory into the
 * instance's dirs). `pjsip.conf`, `manager.conf` and `sip.conf` start with the harness's
 * sections (the UDP transport `transport-udp`, the AMI `[general]` and user, chan_sip's
 * `[general]`); a caller's text for them is appended, and `[name](+)` adds options to one of
 * the harness's sections. Any other file the caller gives (`modules.conf`, `logger.conf`,
 * `extensions.conf`, `queues.conf`, ...) replaces the default or is added.
 *
 * A missing tarball fails with a message that says where it was looked for: the Asterisk
 * suite never passes without a real Asterisk.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, ROOT, writeFile } from "./processes.js";
import { freeSipPort } from "./sipp.js";

/** The tarball's file name in the shared directory. */
export const ASTERISK_TARBALL_NAME = "asterisk-20-pjsip-debian12.tar.xz";
/** The AMI user every instance has (read and write all). */
export const AMI_USER = "harness";
/** That user's secret. */
export const AMI_SECRET = "harnesspass";

/** Options of {@link startAsterisk}. */
export interface AsteriskOptions {
  /**
   * Directory for the instance's config (`etc/`) and state (`state/`); created if missing.
   * @default a fresh temp dir, removed by stop()
   */
  dir?: string;
  /** Config file name -> ini text, e.g. `{ "queues.conf": "[support]\nstrategy = ringall\n" }`. */
  configs: Record<string, string>;
}

/** A running Asterisk. */
export interface AsteriskInstance {
  /** The unpacked install tree (`sbin/asterisk`, `lib/`), shared by every instance. */
  root: string;
  /** Where this instance's config files are. */
  confDir: string;
  /** This instance's writable state (db, spool, run, log, ...). */
  stateDir: string;
  /** AMI TCP port on 127.0.0.1. */
  amiPort: number;
  amiUser: string;
  amiSecret: string;
  /** chan_pjsip's UDP transport port on 127.0.0.1 (`transport-udp`). */
  sipPort: number;
  /** chan_sip's UDP port on 127.0.0.1 (from the harness's `sip.conf` `[general]`). */
  chanSipPort: number;
  /** Asterisk's log dir; the queue log is `${logDir}/queue_log`. */
  logDir: string;
  /** The Asterisk process (its own process group). */
  child: ChildProcess;
  /** Runs `asterisk -C … -rx COMMAND` and resolves with what it printed. */
  cli(command: string): Promise<string>;
  /** The console output so far (the end of it), for failure messages. */
  output(): string;
  /** Stops Asterisk (`core stop now`, then SIGKILL) and removes a temp dir it created. */
  stop(): Promise<void>;
}

/** Where the tarball is: `TANDEM_ASTERISK_TARBALL`, else `../shared/asterisk/`, else /work/shared. */
export function asteriskTarball(): string {
  const fromEnv = process.env.TANDEM_ASTERISK_TARBALL;
  const candidates = fromEnv
    ? [resolve(fromEnv)]
    : [
        resolve(ROOT, "..", "shared", "asterisk", ASTERISK_TARBALL_NAME),
        join("/work/shared/asterisk", ASTERISK_TARBALL_NAME),
      ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `Asterisk build not found: looked for ${candidates.map((c) => `"${c}"`).join(" and ")}; ` +
        "set TANDEM_ASTERISK_TARBALL to the prebuilt Asterisk 20 tarball (../shared/asterisk/README.md)",
    );
  }
  return found;
}

const unpacked = new Map<string, string>();

/**
 * Unpacks the tarball once per content into `${tmpdir}/tandem-asterisk-<sha256>` and returns
 * that tree. Concurrent workers each unpack into their own dir and rename it into place; the
 * loser of the race drops its copy.
 */
export function asteriskRoot(tarball = asteriskTarball()): string {
  const known = unpacked.get(tarball);
  if (known) return known;
  const sha = createHash("sha256").update(readFileSync(tarball)).digest("hex");
  const root = join(tmpdir(), `tandem-asterisk-${sha.slice(0, 16)}`);
  const binary = join(root, "sbin", "asterisk");
  if (!existsSync(binary)) {
    const work = mkdtempSync(join(tmpdir(), "tandem-asterisk-unpack-"));
    try {
      const tar = spawnSyncChecked("tar", ["-C", work, "-xJf", tarball]);
      if (tar) throw new Error(`cannot unpack "${tarball}": ${tar}`);
      try {
        renameSync(join(work, "asterisk"), root);
      } catch (err) {
        if (!existsSync(binary)) throw err;
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  if (!existsSync(binary))
    throw new Error(`"${tarball}" has no asterisk/sbin/asterisk (unpacked into "${root}")`);
  unpacked.set(tarball, root);
  return root;
}

function spawnSyncChecked(command: string, args: string[]): string | null {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error) return String(result.error);
  return result.status === 0 ? null : `${command} exited with ${result.status}: ${result.stderr}`;
}

function asteriskConf(root: string, confDir: string, stateDir: string): string {
  return `[directories]
astetcdir => ${confDir}
astmoddir => ${root}/lib/asterisk/modules
astdatadir => ${root}/var/lib/asterisk
astsbindir => ${root}/sbin
astvarlibdir => ${stateDir}/lib
astdbdir => ${stateDir}/db
astkeydir => ${stateDir}
astspooldir => ${stateDir}/spool
astrundir => ${stateDir}/run
astlogdir => ${stateDir}/log
astcachedir => ${stateDir}/cache
astagidir => ${stateDir}/agi-bin

[options]
verbose = 3
`;
}

const MODULES_CONF = `[modules]
autoload = yes
noload = chan_console.so
noload = chan_alsa.so
noload = chan_oss.so
noload = chan_mgcp.so
noload = chan_skinny.so
noload = chan_unistim.so
noload = chan_iax2.so
noload = pbx_dundi.so
noload = res_phoneprov.so
noload = res_pjsip_phoneprov_provider.so
`;

const LOGGER_CONF = `[general]
queue_log = yes

[logfiles]
console => notice,warning,error,verbose
`;

/** The harness's part of the files a caller's text is appended to. */
function baseConfigs(ports: { ami: number; sip: number; chanSip: number }): Record<string, string> {
  return {
    "pjsip.conf": `[transport-udp]
type = transport
protocol = udp
bind = 127.0.0.1:${ports.sip}
`,
    "manager.conf": `[general]
enabled = yes
port = ${ports.ami}
bindaddr = 127.0.0.1

[${AMI_USER}]
secret = ${AMI_SECRET}
deny = 0.0.0.0/0.0.0.0
permit = 127.0.0.1/255.255.255.255
read = all
write = all
`,
    "sip.conf": `[general]
udpbindaddr = 127.0.0.1:${ports.chanSip}
tcpenable = no
`,
  };
}

const live = new Set<ChildProcess>();
// A test worker that ends without calling stop() must not leave an Asterisk behind.
process.once("exit", () => {
  for (const child of live) {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
});

/**
 * Starts a real Asterisk with `options.configs` on free loopback ports and waits until it is
 * fully booted (`core waitfullybooted`).
 *
 * @example
 * const ast = await startAsterisk({ configs: { "extensions.conf": "[default]\nexten => 100,1,Answer()\n" } });
 * try { expect(await ast.cli("core show version")).toContain("Asterisk 20"); } finally { await ast.stop(); }
 */
export async function startAsterisk(options: AsteriskOptions): Promise<AsteriskInstance> {
  const root = asteriskRoot();
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "tandem-asterisk-run-"));
  const confDir = join(dir, "etc");
  const stateDir = join(dir, "state");
  const logDir = join(stateDir, "log");
  for (const sub of ["lib", "db", "keys", "spool", "run", "log", "cache", "agi-bin"])
    mkdirSync(join(stateDir, sub), { recursive: true });
  mkdirSync(confDir, { recursive: true });

  const amiPort = await freePort();
  const sipPort = await freeSipPort();
  let chanSipPort = await freeSipPort();
  while (chanSipPort === sipPort) chanSipPort = await freeSipPort();

  const files: Record<string, string> = {
    "modules.conf": MODULES_CONF,
    "logger.conf": LOGGER_CONF,
    "extensions.conf": "[default]\n",
  };
  const base = baseConfigs({ ami: amiPort, sip: sipPort, chanSip: chanSipPort });
  for (const [name, text] of Object.entries(base)) files[name] = text;
  for (const [name, text] of Object.entries(options.configs)) {
    if (name === "asterisk.conf")
      throw new Error(
        "asterisk.conf is the harness's own: it points every directory into the test's dirs",
      );
    files[name] = name in base ? `${base[name]}\n${text}\n` : text;
  }
  files["asterisk.conf"] = asteriskConf(root, confDir, stateDir);
  for (const [name, text] of Object.entries(files)) writeFile(confDir, name, text);

  const conf = join(confDir, "asterisk.conf");
  const binary = join(root, "sbin", "asterisk");
  // -f: foreground, so the child is Asterisk itself; -n: no colours in the captured output.
  const child = spawn(binary, ["-f", "-n", "-C", conf], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  live.add(child);
  let log = "";
  const keep = (d: Buffer) => {
    log = (log + d.toString("latin1")).slice(-200_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((done) => {
    child.on("exit", () => {
      live.delete(child);
      done();
    });
    child.on("error", (err) => {
      log += `\n${String(err)}`;
      live.delete(child);
      done();
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;

  const cli = (command: string, timeoutMs = 10_000): Promise<string> =>
    new Promise((done, fail) => {
      execFile(
        binary,
        ["-C", conf, "-rx", command],
        { timeout: timeoutMs, encoding: "utf8" },
        (err, stdout, stderr) => {
          if (err) fail(new Error(`asterisk -rx "${command}" failed: ${String(err)}\n${stderr}`));
          else done(stdout);
        },
      );
    });

  const instance: AsteriskInstance = {
    root,
    confDir,
    stateDir,
    amiPort,
    amiUser: AMI_USER,
    amiSecret: AMI_SECRET,
    sipPort,
    chanSipPort,
    logDir,
    child,
    cli: (command) => cli(command),
    output: () => log,
    async stop() {
      if (running()) {
        await cli("core stop now", 3000).catch(() => undefined);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      }
      if (running() && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // Gone between the check and the kill.
        }
      }
      await exited;
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!running()) {
      await instance.stop();
      throw new Error(
        `asterisk exited while booting (config in "${confDir}"):\n${log.slice(-5000)}`,
      );
    }
    try {
      await cli("core waitfullybooted", 5000);
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await instance.stop();
        throw new Error(
          `asterisk not fully booted within 60 s: ${String(err)}\n${log.slice(-5000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return instance;
}
