/** The web console: its server routes, accounts and the built page's files. */
export { CONSOLE_ACTIONS, type ConsoleAction } from "./action-routes.js";
export { type Asset, assetDir, loadAssets } from "./assets.js";
export { attachConsole, type ConsoleOptions } from "./attach.js";
export { CONSOLE_CSP, consoleHeaders } from "./headers.js";
export { hashPassword, SCRYPT_PARAMS, verifyPassword } from "./password.js";
export type { QueuesDocument } from "./queue-routes.js";
export { LoginLimiter } from "./rate-limit.js";
export { SESSION_COOKIE, Sessions } from "./sessions.js";
