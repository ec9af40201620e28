/**
 * The doctor's request to another node's agent: signed with the cluster secret, as operator
 * commands are.
 */
import { OPERATOR_SIGNER } from "../control/client.js";
import { signRequest } from "../peer/signing.js";
import type { ReachTarget } from "./reach.js";
import { DOCTOR_PATH, type DoctorReply } from "./routes.js";

/** What asking a node gave: its reply with the times around it, or why there is none. */
export type PeerAnswer =
  | { ok: true; reply: DoctorReply; sentAt: number; receivedAt: number }
  | { ok: false; error: string; status: number | null };

/**
 * Asks the agent at `baseUrl` for its checks, its clock and its cluster section, and to try
 * `targets` (this node's ports).
 *
 * @example
 * ```ts
 * const a = await askPeer("http://10.0.0.12:7701", "b", secret, [{ name: "API", host: "10.0.0.11", port: 7701, transport: "tcp" }], 8000);
 * if (a.ok) a.reply.checks; // b's own checks
 * ```
 */
export async function askPeer(
  baseUrl: string,
  peerName: string,
  secret: string,
  targets: readonly ReachTarget[],
  timeoutMs: number,
): Promise<PeerAnswer> {
  const body = Buffer.from(JSON.stringify({ reach: targets }));
  const headers = signRequest({
    secret,
    node: OPERATOR_SIGNER,
    target: peerName,
    method: "POST",
    path: DOCTOR_PATH,
    body,
  });
  const sentAt = Date.now();
  let response: Response;
  try {
    response = await fetch(`${baseUrl.replace(/\/+$/, "")}${DOCTOR_PATH}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { ok: false, error: failureOf(err, timeoutMs), status: null };
  }
  const text = await response.text();
  const receivedAt = Date.now();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: `HTTP ${response.status}, not JSON`, status: response.status };
  }
  if (!response.ok) {
    const error = (parsed as { error?: unknown }).error;
    return {
      ok: false,
      error: typeof error === "string" ? error : `HTTP ${response.status}`,
      status: response.status,
    };
  }
  return { ok: true, reply: parsed as DoctorReply, sentAt, receivedAt };
}

/** Why a request got no answer, in the words an operator reads in the doctor's output. */
function failureOf(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const code = e.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  return code ?? e.cause?.message ?? e.message;
}
