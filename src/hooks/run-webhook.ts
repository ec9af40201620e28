/**
 * Calling a webhook: the event as JSON, a 2xx answer is success.
 */
import { VERSION } from "../version.js";
import { describeHook } from "./describe.js";
import type { HookOutcome } from "./outcome.js";

/** Bytes of the answer kept for the log: an error message, not a whole page. */
const BODY_LIMIT = 1024;

/** A webhook as {@link runWebhook} needs it. */
export interface Webhook {
  url: string;
  method: "POST" | "PUT";
  timeout: number;
}

/**
 * Sends `body` as JSON to `hook.url` and reads the start of the answer, all within
 * `hook.timeout`. Redirects are not followed: a POST silently turned into a GET would look
 * like success. Never rejects.
 *
 * @example
 * ```ts
 * await runWebhook({ url: "https://ops.example/tandem", method: "POST", timeout: 5000 }, { event: "active" });
 * // { hook: "POST https://ops.example/tandem", ok: true, status: 204, durationMs: 31, output: "" }
 * ```
 */
export async function runWebhook(
  hook: Webhook,
  body: object,
  signal?: AbortSignal,
): Promise<HookOutcome> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(hook.timeout);
  const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const outcome = (fields: Omit<HookOutcome, "hook" | "durationMs">): HookOutcome => ({
    hook: describeHook(hook),
    durationMs: Math.round(performance.now() - started),
    ...fields,
  });
  let status: number | undefined;
  try {
    const response = await fetch(hook.url, {
      method: hook.method,
      headers: { "content-type": "application/json", "user-agent": `tandem/${VERSION}` },
      body: JSON.stringify(body),
      redirect: "manual",
      signal: both,
    });
    status = response.status;
    const output = await readStart(response);
    const ok = status >= 200 && status < 300;
    return outcome({ ok, status, output, ...(ok ? {} : { error: `HTTP status ${status}` }) });
  } catch (err) {
    const error = timeout.aborted
      ? `timed out after ${hook.timeout} ms`
      : signal?.aborted
        ? "aborted"
        : describeFetchError(err);
    return outcome({ ok: false, ...(status === undefined ? {} : { status }), output: "", error });
  }
}

/** The first {@link BODY_LIMIT} bytes of the answer; the rest is not downloaded. */
async function readStart(response: Response): Promise<string> {
  if (response.body === null) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    while (size < BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString("utf8");
}

/** Undici hides the reason (`ECONNREFUSED`…) in `cause`; the log needs it. */
function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof AggregateError && cause.errors.length > 0) {
    return cause.errors
      .map((e: unknown) => (e instanceof Error ? e.message : String(e)))
      .join("; ");
  }
  if (cause instanceof Error && cause.message !== "") return `${err.message}: ${cause.message}`;
  return err.message;
}
