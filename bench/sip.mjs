// `npm run bench:sip`: OPTIONS throughput of the SIP availability responder under SIPp, side by
// side with Kamailio answering OPTIONS (`sl_send_reply("200", "OK")`) on the same machine.
//
// For each server, SIPp sends OPTIONS over UDP at a fixed rate for a few seconds (one request
// per "call"; a call fails when no 200 arrives within 2 s, retransmissions included). The rate
// starts at --start and grows by half each step until a step has a failed call (then three
// steps narrow down between the last clean rate and the failing one) or completes under 90 %
// of the asked rate (SIPp, which shares the machine, or the server is at its limit). Printed
// per server: each step, and the most calls per second completed in a step with zero failures.
// Then the ratio responder / Kamailio (target ≥ 0.5).
//
//   node bench/sip.mjs [--seconds 3] [--start 1000] [--max 64000] [--kamailio-children 8]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exited, freePort, KAMAILIO, SIPP, sipOptions, sippStats, stopAll, until } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name, fallback) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const SECONDS = arg("--seconds", 3);
const START = arg("--start", 1000);
const MAX = arg("--max", 64000);
const KAMAILIO_CHILDREN = arg("--kamailio-children", 8);

const OPTIONS_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="OPTIONS">
  <send retrans="500">
    <![CDATA[

      OPTIONS sip:ping@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]sipp[call_number]
      To: <sip:ping@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 OPTIONS
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
`;

/** A SIPp time column ("date<TAB>time<TAB>epoch") → epoch seconds. */
function epoch(value) {
  return Number(value.split("\t").at(-1));
}

/** One SIPp run at `rate` OPTIONS per second for SECONDS seconds. */
async function step(dir, port, rate) {
  const stat = join(dir, `step-${port}-${rate}.csv`);
  const local = await freePort();
  const sipp = spawn(
    SIPP,
    [
      ...["-sf", join(dir, "options.xml"), "-t", "u1", "-i", "127.0.0.1", "-p", String(local)],
      ...["-m", String(Math.round(rate * SECONDS)), "-r", String(rate), "-rp", "1000"],
      ...["-recv_timeout", "2000", "-timeout", `${SECONDS + 30}s`, "-timeout_error"],
      ...["-trace_stat", "-stf", stat, "-nostdin"],
      `127.0.0.1:${port}`,
    ],
    { cwd: dir, stdio: "ignore" },
  );
  await exited(sipp);
  const col = sippStats(stat);
  const ok = Number(col("SuccessfulCall(C)"));
  const failed = Number(col("FailedCall(C)"));
  const elapsed = epoch(col("CurrentTime")) - epoch(col("StartTime"));
  return { rate, ok, failed, elapsed, perSecond: ok / elapsed };
}

/** Ramps the rate against one server, then narrows down between the last clean step and the
 * first failing one; returns the best zero-failure step. */
async function ramp(dir, name, port) {
  console.log(`${name}:`);
  let best = null;
  let failedAt = null;
  const run = async (rate) => {
    const r = await step(dir, port, rate);
    console.log(
      `  asked ${String(rate).padStart(6)}/s: ${String(r.ok).padStart(7)} answered, ${String(r.failed).padStart(5)} failed, ` +
        `${r.perSecond.toFixed(0).padStart(6)}/s completed in ${r.elapsed.toFixed(2)} s`,
    );
    if (r.failed === 0 && (!best || r.perSecond > best.perSecond)) best = r;
    return r;
  };
  for (let rate = START; rate <= MAX; rate = Math.round(rate * 1.5)) {
    const r = await run(rate);
    if (r.failed > 0) {
      failedAt = rate;
      break;
    }
    if (r.perSecond < 0.9 * rate) {
      console.log("  (under 90 % of the asked rate completed: SIPp or the server is at its limit)");
      break;
    }
  }
  let low = best?.rate ?? 0;
  let high = failedAt;
  for (let i = 0; i < 3 && high !== null && high - low > 0.05 * high; i++) {
    const rate = Math.round((low + high) / 2);
    const r = await run(rate);
    if (r.failed === 0) low = rate;
    else high = rate;
  }
  return best;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "tandem-bench-sip-"));
  writeFileSync(join(dir, "options.xml"), OPTIONS_SCENARIO);
  const children = [];
  try {
    // The responder: a standalone agent, ACTIVE (its one critical probe always passes).
    const sipPort = await freePort();
    const apiPort = await freePort();
    writeFileSync(
      join(dir, "agent.yaml"),
      `node: { name: bench, stateDir: ${join(dir, "state")} }
api: { listen: "127.0.0.1:${apiPort}" }
log: { file: ${join(dir, "agent.log")} }
probes:
  mem: { kind: memory, minAvailablePercent: 0, interval: 1s, timeout: 500ms }
sip:
  listeners:
    - { address: 127.0.0.1, port: ${sipPort}, transports: [udp] }
`,
    );
    const agent = spawn(
      process.execPath,
      [join(root, "bin/tandem.js"), "agent", "--config", join(dir, "agent.yaml")],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    children.push(agent);
    await until(async () => (await sipOptions(sipPort)) === 200, 20_000, "the responder's 200");

    // Kamailio answering OPTIONS itself.
    const kamPort = await freePort();
    writeFileSync(
      join(dir, "kamailio.cfg"),
      `#!KAMAILIO
listen=udp:127.0.0.1:${kamPort}
disable_tcp=yes
children=${KAMAILIO_CHILDREN}
auto_aliases=no
loadmodule "sl.so"
request_route {
  if (method == "OPTIONS") {
    sl_send_reply("200", "OK");
    exit;
  }
  sl_send_reply("405", "Method Not Allowed");
}
`,
    );
    const kamailio = spawn(
      KAMAILIO,
      ["-DD", "-E", "-f", join(dir, "kamailio.cfg"), "-Y", dir, "-P", join(dir, "k.pid")],
      { cwd: dir, stdio: "ignore", detached: true },
    );
    children.push(kamailio);
    await until(async () => (await sipOptions(kamPort)) === 200, 10_000, "Kamailio's 200");

    console.log(
      `OPTIONS over UDP on loopback, ${SECONDS} s per step, SIPp ${SIPP}, one machine (${cpus().length} CPUs)`,
    );
    const tandem = await ramp(dir, "Tandem responder (one agent process)", sipPort);
    const kam = await ramp(dir, `Kamailio 200 OK (children=${KAMAILIO_CHILDREN})`, kamPort);
    const fmt = (b) => (b ? `${b.perSecond.toFixed(0)}/s (asked ${b.rate}/s)` : "no clean step");
    console.log(`best with zero failures: Tandem ${fmt(tandem)}, Kamailio ${fmt(kam)}`);
    if (tandem && kam) {
      console.log(
        `ratio Tandem / Kamailio: ${(tandem.perSecond / kam.perSecond).toFixed(2)}  (target ≥ 0.5)`,
      );
    }
  } finally {
    await stopAll(children);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
