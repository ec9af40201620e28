/** Logging: the agent's pino logger. */
export {
  createLogger,
  flushLogger,
  type Logger,
  type LoggerOptions,
  reopenLogFile,
} from "./logger.js";
