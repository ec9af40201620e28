/** Agent: the per-node process that runs probes and serves the API. */
export { Agent, type AgentOptions } from "./agent.js";
export { decideMode, type ModeDecision, type NodeMode } from "./mode.js";
export { type RunAgentOptions, runAgent } from "./run.js";
