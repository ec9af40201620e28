/**
 * The `tcp` probe: a check passes when a TCP connection is accepted.
 */
import { connect } from "node:net";
import type { ProbeConfig } from "../config/schema.js";
import { describeError, elapsedMs, fail, ok, settle } from "./result.js";
import type { CheckerContext, CheckResult, ProbeChecker } from "./types.js";

/** The config of a `tcp` probe. */
export type TcpProbeConfig = Extract<ProbeConfig, { kind: "tcp" }>;

/**
 * Creates the checker of a `tcp` probe: connect, then close at once without sending anything.
 *
 * @example
 * ```ts
 * const checker = createTcpChecker({ kind: "tcp", host: "127.0.0.1", port: 5038 }, ctx);
 * await checker.check(signal); // { status: "ok", message: "connected to 127.0.0.1:5038 in 1 ms" }
 * ```
 */
export function createTcpChecker(config: TcpProbeConfig, _ctx: CheckerContext): ProbeChecker {
  const target = config.host.includes(":")
    ? `[${config.host}]:${config.port}`
    : `${config.host}:${config.port}`;
  return {
    check: (signal) => settle(signal, () => connectOnce(config, target, signal)),
    close: async () => {},
  };
}

function connectOnce(
  config: TcpProbeConfig,
  target: string,
  signal: AbortSignal,
): Promise<CheckResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host: config.host, port: config.port });
    const finish = (result: CheckResult): void => {
      signal.removeEventListener("abort", stop);
      socket.destroy();
      resolve(result);
    };
    const stop = (): void => finish(fail(`connect to ${target}: aborted`));
    signal.addEventListener("abort", stop, { once: true });
    socket.once("connect", () => finish(ok(`connected to ${target} in ${elapsedMs(started)} ms`)));
    socket.on("error", (err) => finish(fail(describeError(err))));
  });
}
