/** API: the agent's HTTP server, monitor URLs, metrics and the status document types. */
export { AgentMetrics } from "./metrics.js";
export { appMonitor, registerMonitorRoutes, roleMonitor } from "./monitor-routes.js";
export {
  type ApiServerOptions,
  type ApiTlsOptions,
  CONNECTION_CHECK_INTERVAL_MS,
  createApiServer,
  listenApi,
  parseListenAddress,
} from "./server.js";
export type { NodeStatusView, ProbeStatusView, StatusDocument } from "./status-types.js";
