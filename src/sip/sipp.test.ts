/**
 * SIPp, a real SIP test tool, sends OPTIONS to the responder over UDP and TCP and checks the
 * answer (the scenarios are in `fixtures/`).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freeSipPort } from "../../test/helpers/sipp.js";
import { SipResponder } from "./responder.js";

const SIPP = "/usr/bin/sipp";
const scenario = (code: number) =>
  fileURLToPath(new URL(`fixtures/sipp-options-${code}.xml`, import.meta.url));

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function runSipp(
  code: number,
  transport: "u1" | "t1",
  port: number,
): Promise<{ exit: number | null; output: string }> {
  const cwd = await mkdtemp(join(tmpdir(), "tandem-sipp-"));
  cleanup.push(() => rm(cwd, { recursive: true, force: true }));
  const localPort = await freeSipPort();
  const args = [
    ...["-sf", scenario(code), "-t", transport, "-i", "127.0.0.1", "-p", String(localPort)],
    ...["-m", "1", "-timeout", "10s", "-timeout_error", "-recv_timeout", "5000", "-nostdin"],
    `127.0.0.1:${port}`,
  ];
  return new Promise((resolve) => {
    execFile(SIPP, args, { cwd, timeout: 15_000 }, (err, stdout, stderr) => {
      // A missing sipp gives a string code (ENOENT): no exit status at all.
      const exit: unknown = err ? (err as { code?: unknown }).code : 0;
      resolve({ exit: typeof exit === "number" ? exit : null, output: `${stdout}${stderr}` });
    });
  });
}

// SIPp comes from Debian's sip-tester package, which .ci/run installs: without it the test
// fails rather than passing unseen.
describe("SIPp OPTIONS scenarios", () => {
  it.each([
    ["udp", "u1"],
    ["tcp", "t1"],
  ] as const)("over %s: 200 while serving, 503 while not", async (transport, sippTransport) => {
    const state = { serving: true };
    const responder = new SipResponder({
      listeners: [
        {
          address: "127.0.0.1",
          port: 0,
          transports: [transport],
          whenNotServing: "reject",
          retryAfter: 30,
        },
      ],
      availability: () => state,
    });
    cleanup.push(() => responder.close());
    await responder.start();
    const port = responder.boundPorts()[0]?.port ?? 0;

    const ok = await runSipp(200, sippTransport, port);
    expect(ok.exit, ok.output).toBe(0);
    state.serving = false;
    const unavailable = await runSipp(503, sippTransport, port);
    expect(unavailable.exit, unavailable.output).toBe(0);
    const wrong = await runSipp(200, sippTransport, port);
    expect(wrong.exit, wrong.output).not.toBe(0);
    expect(responder.counters()).toMatchObject({ ok200: 1, unavailable503: 2, malformed: 0 });
  });
});
