/**
 * `tandem doctor`: checks of one node and of its pair, each `{ id, status, message, fix }`.
 * A new family of checks (a quorum, TLS) is a new file whose function `nodeChecks` or
 * `runDoctor` calls.
 *
 * @example
 * ```ts
 * import { doctorExitCode, runDoctor } from "../doctor/index.js";
 * const checks = await runDoctor(config);
 * process.exitCode = doctorExitCode(checks);
 * ```
 */
export { nodeChecks } from "./local.js";
export { type DoctorOptions, runDoctor } from "./pair.js";
export { renderChecks } from "./render.js";
export { DOCTOR_PATH, type DoctorReply, registerDoctorRoutes } from "./routes.js";
export { type CheckStatus, type DoctorCheck, doctorExitCode, worstStatus } from "./types.js";
