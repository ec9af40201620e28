/** Health: fall/rise counting, node health, the probe scheduler and the live monitor. */
export {
  type HealthGate,
  HealthMonitor,
  type HealthMonitorOptions,
  type MonitoredProbe,
} from "./monitor.js";
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
export { attachRestarts } from "./restart-attach.js";
export { restartArgv, runRestartCommand } from "./restart-command.js";
export {
  holdsDown,
  initialRestartState,
  nextDailyAt,
  type RestartEffect,
  type RestartInput,
  type RestartPhase,
  type RestartPolicy,
  type RestartState,
  restartWakeAt,
  stepRestart,
} from "./restart-policy.js";
export { ProbeRestarts, type ProbeRestartsOptions, type RestartView } from "./restarter.js";
export { ProbeScheduler, type ProbeSchedulerOptions, type ScheduledProbe } from "./scheduler.js";
