/**
 * Shared building blocks of the checkers: result constructors, error text, and `settle`, which
 * gives every kind the "never throws, settles on abort" guarantee of the contract.
 */
import type { CheckResult } from "./types.js";

/** A good check with a short reading, e.g. `ok("connected to 127.0.0.1:5060 in 2 ms")`. */
export function ok(message: string): CheckResult {
  return { status: "ok", message };
}

/** A failed check, e.g. `fail("no process named \"asterisk\"")`. */
export function fail(message: string): CheckResult {
  return { status: "fail", message };
}

/**
 * One line describing any thrown value.
 *
 * Node reports a failed connection to a name with several addresses (`localhost` → `::1`,
 * `127.0.0.1`) as an `AggregateError` with an empty message, so its inner errors are joined.
 *
 * @example
 * ```ts
 * describeError(new Error("connect ECONNREFUSED 127.0.0.1:5432")); // same text
 * ```
 */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.message === "") {
    const inner = [...new Set(err.errors.map(describeError))].join("; ");
    return inner === "" ? String((err as { code?: unknown }).code ?? "unknown error") : inner;
  }
  if (err instanceof Error) return err.message === "" ? err.name : err.message;
  return String(err);
}

/** Why `signal` aborted, for a failed check's message. */
export function abortMessage(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== "AbortError") return `aborted: ${reason.message}`;
  return "aborted";
}

/** Milliseconds since `start` (a `performance.now()` reading), rounded for messages. */
export function elapsedMs(start: number): number {
  return Math.round(performance.now() - start);
}

/**
 * Runs `work` and turns anything it does into a result: a rejection or a throw becomes `fail`.
 *
 * `work` should stop on `signal` and settle with its own, more precise message (which socket,
 * which pid it killed). If it has not settled by the next turn of the event loop after the
 * abort, `settle` answers `fail` itself and ignores the late outcome, so a checker that forgets
 * to stop still never outlives its timeout.
 *
 * @example
 * ```ts
 * check: (signal) => settle(signal, async () => ok(await readSomething(signal)))
 * ```
 */
export function settle(
  signal: AbortSignal,
  work: () => Promise<CheckResult>,
): Promise<CheckResult> {
  if (signal.aborted) return Promise.resolve(fail(abortMessage(signal)));
  return new Promise<CheckResult>((resolve) => {
    let fallback: NodeJS.Immediate | undefined;
    const aborted = (): void => {
      fallback = setImmediate(() => resolve(fail(abortMessage(signal))));
    };
    signal.addEventListener("abort", aborted, { once: true });
    const done = (result: CheckResult): void => {
      signal.removeEventListener("abort", aborted);
      clearImmediate(fallback);
      resolve(result);
    };
    let running: Promise<CheckResult>;
    try {
      running = work();
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(done, (err: unknown) => done(fail(describeError(err))));
  });
}

/**
 * Replaces every occurrence of each secret in `text` with `***`, so driver errors that echo a
 * connection string never put a password in a log line.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret !== "") out = out.split(secret).join("***");
  }
  return out;
}

/** `url` without its password, for messages. */
export function displayUrl(url: URL): string {
  if (url.password === "") return url.href;
  const copy = new URL(url.href);
  copy.password = "***";
  return copy.href;
}
