/**
 * The error a listener (API, SIP) throws when it cannot bind: which listener, which port and
 * address, and why in words an operator can act on.
 */
import { ListenError, type TandemErrorShape } from "../errors.js";

/**
 * A {@link ListenError} reading `Cannot bind SUBJECT WHY`, with `err` as its cause.
 *
 * @example
 * ```ts
 * listenError('the API listener: port "7701" on 127.0.0.1', err).message;
 * // 'Cannot bind the API listener: port "7701" on 127.0.0.1 is in use'
 * ```
 */
export function listenError(subject: string, err: unknown): TandemErrorShape {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === "EADDRINUSE"
      ? "is in use"
      : code === "EADDRNOTAVAIL"
        ? "is on an address this machine does not have"
        : code === "EACCES"
          ? "needs more privileges"
          : `failed (${(err as Error).message})`;
  return new ListenError(`Cannot bind ${subject} ${why}`, { cause: err });
}
