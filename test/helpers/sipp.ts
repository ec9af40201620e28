/**
 * SIPp, a real SIP test tool, playing the parts around a pair: a PBX per node (a UAS that
 * answers every INVITE and names its node) and callers (a UAC that places calls through a
 * proxy and logs which node answered each one). Scenarios are in `test/fixtures/sipp/`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT } from "./processes.js";

/** Where Debian's `sip-tester` package installs SIPp. */
export const SIPP = "/usr/bin/sipp";

const scenario = (name: string) => join(ROOT, "test/fixtures/sipp", name);

/** A loopback port that was free a moment ago for both UDP and TCP. */
export async function freeSipPort(): Promise<number> {
  for (;;) {
    const tcp = createServer();
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    const { port } = tcp.address() as { port: number };
    const udp = createSocket("udp4");
    const free = await new Promise<boolean>((resolve) => {
      udp.once("error", () => resolve(false));
      udp.bind(port, "127.0.0.1", () => resolve(true));
    });
    udp.close();
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (free) return port;
  }
}

/** A SIPp process running in the background. */
export interface SippProcess {
  child: ChildProcess;
  /** Everything it printed so far (the end of it). */
  output(): string;
  exited: Promise<number | null>;
  /** Sends `signal` (SIGKILL by default) and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<SippProcess>();

/** Kills every SIPp process started here that still runs (for afterEach). */
export async function stopAllSipp(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** Starts SIPp with `args` in `cwd`; {@link stopAllSipp} kills it if the test forgets. */
export function spawnSipp(args: string[], cwd: string): SippProcess {
  const child = spawn(SIPP, [...args, "-nostdin"], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (d: Buffer) => {
    // The screen is redrawn every second: the last part is all a failure message needs.
    out = (out + d.toString("latin1")).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.on("error", (err) => {
      out += `\n${String(err)}`;
      resolve(null);
    });
  });
  const sipp: SippProcess = {
    child,
    output: () => out,
    exited,
    async stop(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  running.add(sipp);
  void exited.then(() => running.delete(sipp));
  return sipp;
}

/**
 * Starts the stand-in PBX of `node` on 127.0.0.1:`port` (UDP): it answers every INVITE with
 * 200 OK carrying `X-Node: NODE`. SIGUSR1 makes it stop taking calls and exit once the calls
 * it has are over, as a PBX going out of service.
 */
export function startPbx(node: string, port: number, cwd: string): SippProcess {
  return spawnSipp(
    [
      ...["-sf", scenario("uas-pbx.xml"), "-i", "127.0.0.1", "-p", String(port), "-t", "u1"],
      ...["-key", "node", node],
    ],
    cwd,
  );
}

/** What a batch of calls came to. */
export interface CallResult {
  exit: number | null;
  /** SIPp's own count of calls that ended as the scenario says. */
  successful: number;
  /** SIPp's own count of failed calls (any unexpected answer, or one not in time). */
  failed: number;
  /** The node that answered each successful call, in call order. */
  nodes: string[];
  output: string;
}

/** Options of {@link placeCalls}. */
export interface CallOptions {
  /** The proxy's UDP port on 127.0.0.1. */
  proxyPort: number;
  /** Number of calls. */
  calls: number;
  /** New calls per second. */
  rate: number;
  /** Working directory for SIPp's logs (a temporary directory). */
  dir: string;
  /** A name for this batch's files. @default "calls" */
  name?: string;
}

/**
 * Places `calls` calls through the proxy at `rate` per second with the caller scenario.
 * Start it and do something meanwhile (kill a node); await the result.
 */
export async function placeCalls(options: CallOptions): Promise<CallResult> {
  const name = options.name ?? "calls";
  const log = join(options.dir, `${name}.log`);
  const stat = join(options.dir, `${name}.csv`);
  const local = await freeSipPort();
  const sipp = spawnSipp(
    [
      ...["-sf", scenario("uac-call.xml"), "-i", "127.0.0.1", "-p", String(local), "-t", "u1"],
      ...["-m", String(options.calls), "-r", String(options.rate), "-rp", "1000"],
      // A call whose next answer takes longer than 5 s fails; the whole run is bounded.
      ...["-recv_timeout", "5000", "-timeout", "60s", "-timeout_error"],
      ...["-trace_logs", "-log_file", log, "-trace_stat", "-stf", stat],
      `127.0.0.1:${options.proxyPort}`,
    ],
    options.dir,
  );
  const exit = await sipp.exited;
  const read = (path: string) => {
    try {
      return readFileSync(path, "latin1");
    } catch {
      return "";
    }
  };
  const answered = [...read(log).matchAll(/^call (\d+) (\S+)$/gm)]
    .map((m) => ({ call: Number(m[1]), node: String(m[2]) }))
    .sort((x, y) => x.call - y.call);
  const rows = read(stat).trim().split("\n");
  const header = (rows[0] ?? "").split(";");
  const last = (rows.at(-1) ?? "").split(";");
  const column = (title: string) => Number(last[header.indexOf(title)] ?? Number.NaN);
  return {
    exit,
    successful: column("SuccessfulCall(C)"),
    failed: column("FailedCall(C)"),
    nodes: answered.map((a) => a.node),
    output: sipp.output(),
  };
}
