/** Health: fall/rise counting, node health, the probe scheduler and the live monitor. */
export { HealthMonitor, type HealthMonitorOptions, type MonitoredProbe } from "./monitor.js";
export { type HealthSummary, summarizeHealth } from "./node-health.js";
export {
  type CheckObservation,
  type FallRise,
  initialProbeRecord,
  observeCheck,
  type ProbeRecord,
  type ProbeState,
  type ProbeTransition,
} from "./probe-state.js";
export { ProbeScheduler, type ProbeSchedulerOptions, type ScheduledProbe } from "./scheduler.js";
