/** Logging: the agent's pino logger. */
export { createLogger, flushLogger, type Logger, type LoggerOptions } from "./logger.js";
