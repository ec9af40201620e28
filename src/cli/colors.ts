/** ANSI colours for terminal output, switched off when not writing to a terminal. */

/** A set of colouring functions (identity functions when colour is off). */
export interface Palette {
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;

/**
 * Returns colouring functions; plain when `enabled` is false or `NO_COLOR` is set.
 *
 * @example
 * ```ts
 * const c = palette(process.stdout.isTTY === true);
 * console.log(c.red("DOWN"));
 * ```
 */
export function palette(enabled: boolean): Palette {
  if (!enabled || process.env.NO_COLOR) {
    const id = (s: string): string => s;
    return { red: id, green: id, yellow: id, dim: id, bold: id };
  }
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}
