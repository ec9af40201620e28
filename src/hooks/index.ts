/**
 * Hooks: commands and webhooks run when the node changes mode or loses or finds its peer,
 * queued so they run in the order the engine asked for them.
 *
 * @example
 * ```ts
 * import { HookRunner, hooksSchema } from "../hooks/index.js";
 * const runner = new HookRunner(hooksSchema.parse(rawConfig.hooks));
 * const outcomes = await runner.run("active", effect.env);
 * ```
 */
export type { HookOutcome } from "./outcome.js";
export { HookRunner } from "./runner.js";
export { type HookConfig, type HookName, type HooksConfig, hooksSchema } from "./schema.js";
