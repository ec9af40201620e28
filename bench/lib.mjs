// Small helpers shared by the benchmarks (benchmarks do not import test helpers).
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** Where Debian's sip-tester package installs SIPp. */
export const SIPP = "/usr/bin/sipp";
/** Where Debian installs Kamailio. */
export const KAMAILIO = "/usr/sbin/kamailio";

/** A loopback port free for both UDP and TCP a moment ago. */
export async function freePort() {
  for (;;) {
    const tcp = createServer();
    await new Promise((r) => tcp.listen(0, "127.0.0.1", r));
    const { port } = tcp.address();
    const udp = createSocket("udp4");
    const free = await new Promise((r) => {
      udp.once("error", () => r(false));
      udp.bind(port, "127.0.0.1", () => r(true));
    });
    udp.close();
    await new Promise((r) => tcp.close(r));
    if (free) return port;
  }
}

/** One SIP OPTIONS over UDP; resolves with the status code, or null on silence. */
export function sipOptions(port, timeoutMs = 300) {
  const socket = createSocket("udp4");
  return new Promise((resolve) => {
    const done = (code) => {
      clearTimeout(timer);
      socket.close();
      resolve(code);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on("message", (m) => done(Number(/^SIP\/2\.0 (\d{3})/.exec(m.toString())?.[1] ?? 0)));
    socket.bind(0, "127.0.0.1", () => {
      const local = socket.address().port;
      const id = `${Date.now()}${Math.random()}`;
      socket.send(
        [
          `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK${id};rport`,
          "Max-Forwards: 70",
          `From: <sip:bench@127.0.0.1>;tag=${id}`,
          `To: <sip:127.0.0.1:${port}>`,
          `Call-ID: ${id}@127.0.0.1`,
          "CSeq: 1 OPTIONS",
          "Content-Length: 0",
          "",
          "",
        ].join("\r\n"),
        port,
        "127.0.0.1",
      );
    });
  });
}

/** Polls `predicate` every `pollMs` until it holds (a throw counts as "not yet"). */
export async function until(predicate, timeoutMs, what, pollMs = 25) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Resolves once the child process has exited. */
export function exited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.on("exit", () => resolve());
  });
}

/** The last row of a SIPp statistics file (-trace_stat -stf): a column's value by its title. */
export function sippStats(path) {
  const rows = readFileSync(path, "utf8").trim().split("\n");
  const header = rows[0].split(";");
  const last = rows.at(-1).split(";");
  return (title) => last[header.indexOf(title)];
}

/**
 * Kills the processes and waits for them. Kamailio (spawned detached, in its own process group)
 * gets SIGTERM first so it ends its workers itself; whatever is left of its group is killed.
 */
export async function stopAll(children) {
  const isKamailio = (c) => c.spawnargs[0] === KAMAILIO;
  for (const c of children) c.kill(isKamailio(c) ? "SIGTERM" : "SIGKILL");
  await Promise.race([Promise.all(children.map(exited)), new Promise((r) => setTimeout(r, 3000))]);
  for (const c of children.filter(isKamailio)) {
    try {
      process.kill(-c.pid, "SIGKILL");
    } catch {
      // The whole group is gone.
    }
  }
  await Promise.all(children.map(exited));
}
