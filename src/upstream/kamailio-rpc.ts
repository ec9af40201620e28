/**
 * Kamailio's JSON-RPC over HTTP (`jsonrpcs` with `xhttp`): the one call the push needs.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { KamailioRpcError } from "../errors.js";

/** A dispatcher state as `dispatcher.set_state` takes it: `ap` active, `ip` inactive (probing). */
export type DispatcherState = "ap" | "ip";

/** One state change. */
export interface SetState {
  state: DispatcherState;
  setid: number;
  destination: string;
}

/**
 * Sets a dispatcher destination's state with `dispatcher.set_state`. Resolves when Kamailio
 * answered with a `result`; rejects with a {@link KamailioRpcError} saying what went wrong.
 *
 * @example
 * ```ts
 * await setDispatcherState("http://127.0.0.1:5080/RPC", { state: "ap", setid: 1, destination: "sip:10.0.0.12:5070" }, 500);
 * ```
 */
export async function setDispatcherState(
  url: string,
  change: SetState,
  timeoutMs: number,
): Promise<void> {
  const where = `${change.state} for ${change.destination} in set ${change.setid} at ${url}`;
  const body = JSON.stringify({
    jsonrpc: "2.0",
    method: "dispatcher.set_state",
    params: [change.state, change.setid, change.destination],
    id: 1,
  });
  let answer: { status: number; text: string };
  try {
    answer = await post(url, body, timeoutMs);
  } catch (err) {
    throw new KamailioRpcError(`dispatcher.set_state ${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const { status, text } = answer;
  if (status !== 200) {
    throw new KamailioRpcError(
      `dispatcher.set_state ${where}: HTTP ${status}${text ? ` (${text.trim().slice(0, 120)})` : ""}`,
    );
  }
  let reply: { result?: unknown; error?: { code?: number; message?: string } };
  try {
    reply = JSON.parse(text) as typeof reply;
  } catch {
    throw new KamailioRpcError(
      `dispatcher.set_state ${where}: expected a JSON-RPC answer, got ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  if (reply.error) {
    throw new KamailioRpcError(
      `dispatcher.set_state ${where}: Kamailio answered error ${reply.error.code ?? "?"} ${reply.error.message ?? ""}`.trimEnd(),
    );
  }
}

/**
 * One POST with node:http(s), already loaded by the API server: `fetch` would load its HTTP
 * stack on first use, which costs tens of milliseconds right at the takeover.
 */
function post(
  url: string,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          if (text.length < 65_536) text += d;
        });
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text });
        });
        res.on("error", reject);
      },
    );
    // The whole exchange (connect, request, the full answer) is bounded by the timeout.
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
