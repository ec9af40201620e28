/**
 * `tandem bundle`: a `.tar.gz` for a bug report, with every secret redacted.
 *
 * @example
 * ```ts
 * import { collectBundle, tarGz } from "../bundle/index.js";
 * writeFileSync(out, tarGz(await collectBundle(loaded, rawText, { root: "tandem-bundle-a" })));
 * ```
 */
export { type CollectOptions, collectBundle } from "./collect.js";
export { REDACTED, redactText, secretsOf } from "./redact.js";
export { type TarEntry, tarGz } from "./tar.js";
