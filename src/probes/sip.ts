/**
 * The `sip` probe: a check sends one SIP OPTIONS request and passes when the answer's status is
 * one of `expect` (default 200). UDP requests are retransmitted as RFC 3261 §17.1.2.2 says
 * (after 500 ms, then doubling) until a final answer or the timeout.
 */
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { isIPv6, connect as tcpConnect } from "node:net";
import { formatDuration } from "../config/duration.js";
import type { ProbeConfig } from "../config/schema.js";
import {
  headerValue,
  parseCSeq,
  parseSipMessage,
  parseSipUri,
  parseVia,
  type SipResponse,
  SipStreamFramer,
  type SipTarget,
  serializeSipMessage,
  viaParam,
  viaValues,
} from "../sip/index.js";
import { describeError, elapsedMs, fail, ok, settle } from "./result.js";
import type { CheckerContext, CheckResult, ProbeChecker } from "./types.js";

/** The config of a `sip` probe. */
export type SipProbeConfig = Extract<ProbeConfig, { kind: "sip" }>;

/** First UDP retransmission interval (RFC 3261 T1). */
const T1_MS = 500;

/**
 * Creates the checker of a `sip` probe.
 *
 * @example
 * ```ts
 * const checker = createSipChecker({ kind: "sip", uri: "sip:127.0.0.1:5060", expect: [200] }, ctx);
 * await checker.check(signal); // { status: "ok", message: "200 OK from sip:127.0.0.1:5060 in 2 ms" }
 * // or { status: "fail", message: "got 503 Service Unavailable, expected 200" }
 * ```
 */
export function createSipChecker(config: SipProbeConfig, ctx: CheckerContext): ProbeChecker {
  const target = parseSipUri(config.uri);
  // Give up just before the scheduler does, so the result says that nothing came back.
  const windowMs = Math.max(1, ctx.timeoutMs - Math.min(50, ctx.timeoutMs / 10));
  return {
    check: (signal) =>
      settle(signal, async () => {
        if (!target) return fail(`not a sip: URI with udp or tcp transport: "${config.uri}"`);
        const exchange = target.transport === "udp" ? exchangeUdp : exchangeTcp;
        return exchange(target, config.expect, signal, windowMs, ctx.timeoutMs);
      }),
    close: async () => {},
  };
}

/** How one exchange ends. */
type Finish = (result: CheckResult) => void;

/** A new OPTIONS request from `local`, with fresh branch, tag and Call-ID. */
function optionsRequest(
  target: SipTarget,
  transport: "UDP" | "TCP",
  local: { address: string; port: number },
) {
  const id = randomBytes(12).toString("hex");
  const host = isIPv6(local.address) ? `[${local.address}]` : local.address;
  const message = {
    kind: "request" as const,
    method: "OPTIONS",
    uri: target.uri,
    version: "SIP/2.0",
    headers: [
      {
        name: "Via",
        value: `SIP/2.0/${transport} ${host}:${local.port};branch=z9hG4bK${id};rport`,
      },
      { name: "Max-Forwards", value: "70" },
      { name: "From", value: `<sip:tandem@${host}>;tag=${id.slice(0, 10)}` },
      { name: "To", value: `<${target.uri}>` },
      { name: "Call-ID", value: `${id}@tandem` },
      { name: "CSeq", value: "1 OPTIONS" },
      { name: "User-Agent", value: "Tandem probe" },
    ],
    body: Buffer.alloc(0),
  };
  return { bytes: serializeSipMessage(message), callId: `${id}@tandem`, branch: `z9hG4bK${id}` };
}

/** The final response to our request in `data`, `undefined` for anything else. */
function finalAnswer(data: Buffer, callId: string, branch: string): SipResponse | undefined {
  const parsed = parseSipMessage(data);
  if (!parsed.ok || parsed.message.kind !== "response") return undefined;
  const response = parsed.message;
  const top = parseVia(viaValues(response)[0] ?? "");
  if (headerValue(response, "Call-ID") !== callId || !top || viaParam(top, "branch") !== branch) {
    return undefined;
  }
  if (parseCSeq(headerValue(response, "CSeq") ?? "")?.method !== "OPTIONS") return undefined;
  return response.status >= 200 ? response : undefined;
}

function judge(
  response: SipResponse,
  expect: readonly number[],
  target: SipTarget,
  started: number,
): CheckResult {
  const status = `${response.status} ${response.reason}`.trim();
  if (expect.includes(response.status)) {
    return ok(`${status} from ${target.uri} in ${elapsedMs(started)} ms`);
  }
  return fail(`got ${status}, expected ${listCodes(expect)}`);
}

/** `200`, `200 or 404`, `200, 401 or 404`. */
function listCodes(codes: readonly number[]): string {
  const all = codes.map(String);
  return all.length <= 1 ? (all[0] ?? "") : `${all.slice(0, -1).join(", ")} or ${all.at(-1)}`;
}

/**
 * The one way an exchange ends: the first result (a reply, an error, the deadline or the
 * abort) disarms the deadline and the abort, runs `release` and resolves; later ones are
 * ignored.
 */
function finisher(
  resolve: Finish,
  release: () => void,
  signal: AbortSignal,
  windowMs: number,
  timeoutMs: number,
): Finish {
  let done = false;
  const finish: Finish = (result) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    signal.removeEventListener("abort", stop);
    release();
    resolve(result);
  };
  const timer = setTimeout(
    () => finish(fail(`no reply within ${formatDuration(timeoutMs)}`)),
    windowMs,
  );
  const stop = (): void => finish(fail("aborted before a reply"));
  signal.addEventListener("abort", stop, { once: true });
  return finish;
}

function exchangeUdp(
  target: SipTarget,
  expect: readonly number[],
  signal: AbortSignal,
  windowMs: number,
  timeoutMs: number,
): Promise<CheckResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = createSocket(isIPv6(target.host) ? "udp6" : "udp4");
    let closed = false;
    let retransmit: NodeJS.Timeout | undefined;
    const finish = finisher(
      resolve,
      () => {
        closed = true;
        clearTimeout(retransmit);
        socket.close();
      },
      signal,
      windowMs,
      timeoutMs,
    );
    socket.on("error", (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      finish(
        fail(
          code === "ECONNREFUSED"
            ? `nothing listens on udp ${target.host}:${target.port} (port unreachable)`
            : describeError(err),
        ),
      );
    });
    socket.connect(target.port, target.host, () => {
      if (closed) return;
      const request = optionsRequest(target, "UDP", socket.address());
      socket.on("message", (data) => {
        const answer = finalAnswer(data, request.callId, request.branch);
        if (answer) finish(judge(answer, expect, target, started));
      });
      // Retransmissions stop when the exchange ends (release clears the timer).
      const send = (interval: number): void => {
        socket.send(request.bytes);
        retransmit = setTimeout(() => send(Math.min(interval * 2, 4000)), interval);
      };
      send(T1_MS);
    });
  });
}

function exchangeTcp(
  target: SipTarget,
  expect: readonly number[],
  signal: AbortSignal,
  windowMs: number,
  timeoutMs: number,
): Promise<CheckResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = tcpConnect({ host: target.host, port: target.port });
    const framer = new SipStreamFramer();
    const finish = finisher(resolve, () => socket.destroy(), signal, windowMs, timeoutMs);
    socket.on("error", (err) => finish(fail(describeError(err))));
    socket.on("close", () => finish(fail(`connection to ${target.uri} closed before a reply`)));
    socket.once("connect", () => {
      const local = { address: socket.localAddress ?? "", port: socket.localPort ?? 0 };
      const request = optionsRequest(target, "TCP", local);
      socket.on("data", (chunk: Buffer) => {
        const { messages, error } = framer.push(chunk);
        for (const message of messages) {
          const answer = finalAnswer(message, request.callId, request.branch);
          if (answer) return finish(judge(answer, expect, target, started));
        }
        if (error !== undefined) finish(fail(`unreadable reply from ${target.uri}: ${error}`));
      });
      socket.write(request.bytes);
    });
  });
}
