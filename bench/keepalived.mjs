// The keepalived reference for `npm run bench:failover`: two keepalived instances (VRRPv3,
// unicast, `advert_int 0.05`) in two network namespaces joined by a veth pair. Each run starts
// both, waits until the first is MASTER, then SIGKILLs it (process death) or SIGSTOPs it (host
// death: its adverts stop and nothing says goodbye) and times until the second runs its
// notify_master script, which writes the nanosecond clock to a file. Needs root, `ip` and
// keepalived (`apt-get install keepalived`).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const KEEPALIVED = "/usr/sbin/keepalived";

/** Why keepalived cannot be measured here, or null when it can. */
export function keepalivedMissing() {
  if (!existsSync(KEEPALIVED)) return "keepalived is not installed (apt-get install keepalived)";
  if (process.getuid?.() !== 0) return "network namespaces need root";
  return null;
}

const ip = (...args) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

function config(name, ownIp, peerIp, priority, dir) {
  return `global_defs {
  router_id ${name}
  vrrp_version 3
  script_user root
  enable_script_security
  vrrp_garp_master_delay 0
  vrrp_garp_master_repeat 1
}
vrrp_instance VI {
  state BACKUP
  interface veth-${name}
  virtual_router_id 51
  priority ${priority}
  advert_int 0.05
  nopreempt
  unicast_src_ip ${ownIp}
  unicast_peer {
    ${peerIp}
  }
  virtual_ipaddress {
    10.99.0.100/24
  }
  notify_master "${join(dir, "notify.sh")} ${name}"
}
`;
}

/**
 * Sets up the namespaces once and returns `run(kind)` → seconds from the fault to the backup's
 * notify_master, and `close()`.
 */
export function keepalivedPair() {
  const dir = mkdtempSync(join(tmpdir(), "tandem-keepalived-"));
  const tag = String(process.pid % 10000);
  const ns = { m: `tk${tag}m`, b: `tk${tag}b` };
  const addr = { m: "10.99.0.1", b: "10.99.0.2" };
  ip("netns", "add", ns.m);
  ip("netns", "add", ns.b);
  ip("link", "add", `veth-${tag}m`, "type", "veth", "peer", "name", `veth-${tag}b`);
  for (const k of ["m", "b"]) {
    ip("link", "set", `veth-${tag}${k}`, "netns", ns[k]);
    ip("-n", ns[k], "link", "set", `veth-${tag}${k}`, "name", `veth-${k}`);
    ip("-n", ns[k], "addr", "add", `${addr[k]}/24`, "dev", `veth-${k}`);
    ip("-n", ns[k], "link", "set", `veth-${k}`, "up");
    ip("-n", ns[k], "link", "set", "lo", "up");
  }
  writeFileSync(
    join(dir, "notify.sh"),
    `#!/bin/sh\nt=$(date +%s%N)\necho $t > ${dir}/master-$1.tmp && mv ${dir}/master-$1.tmp ${dir}/master-$1\n`,
    { mode: 0o755 },
  );
  const children = [];
  const start = (k, priority) => {
    const other = k === "m" ? "b" : "m";
    const conf = join(dir, `${k}.conf`);
    writeFileSync(conf, config(k, addr[k], addr[other], priority, dir));
    const child = spawn(
      "ip",
      [
        "netns",
        "exec",
        ns[k],
        KEEPALIVED,
        "--dont-fork",
        // A killed VRRP process stays dead, as a crashed host's would: respawned, it would
        // advertise again and race the backup's takeover.
        "--dont-respawn",
        "--vrrp",
        "--log-console",
        "--use-file",
        conf,
        "--pid",
        join(dir, `${k}.pid`),
        "--vrrp_pid",
        join(dir, `${k}.vrrp.pid`),
      ],
      { stdio: ["ignore", "ignore", "ignore"] },
    );
    children.push(child);
    return child;
  };
  const masterAt = (k) => {
    try {
      const ns = Number(readFileSync(join(dir, `master-${k}`), "utf8").trim());
      return ns > 0 ? ns / 1e6 : null; // empty while the script is still writing
    } catch {
      return null;
    }
  };
  const vrrpPid = (k) => {
    try {
      return Number(readFileSync(join(dir, `${k}.vrrp.pid`), "utf8").trim());
    } catch {
      return null;
    }
  };
  const wait = async (predicate, ms, what) => {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`keepalived: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const stopAll = async () => {
    for (const c of children.splice(0)) {
      for (const k of ["m", "b"]) {
        const pid = vrrpPid(k);
        if (pid) {
          try {
            process.kill(pid, "SIGCONT");
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }
      c.kill("SIGKILL");
    }
    await new Promise((r) => setTimeout(r, 100));
    for (const f of ["master-m", "master-b", "m.vrrp.pid", "b.vrrp.pid", "m.pid", "b.pid"]) {
      rmSync(join(dir, f), { force: true });
    }
  };
  return {
    /** One run; `kind` is "kill" (SIGKILL) or "stop" (SIGSTOP). Returns ms fault → backup MASTER. */
    async run(kind) {
      start("m", 200);
      await wait(() => masterAt("m") !== null, 10_000, "the first node MASTER");
      start("b", 100);
      await wait(() => vrrpPid("b") !== null, 10_000, "the second node started");
      // Let the backup hear a few adverts.
      await new Promise((r) => setTimeout(r, 500));
      if (masterAt("b") !== null) throw new Error("keepalived: the backup became MASTER too");
      const pid = vrrpPid("m");
      const t0 = Date.now();
      process.kill(pid, kind === "kill" ? "SIGKILL" : "SIGSTOP");
      await wait(() => masterAt("b") !== null, 10_000, "the backup MASTER");
      const took = masterAt("b") - t0;
      await stopAll();
      return took;
    },
    async close() {
      await stopAll();
      for (const k of ["m", "b"]) {
        try {
          ip("netns", "del", ns[k]);
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
