/**
 * One node's Asterisk configured as docs/integrations/asterisk.md prints it, three call-admission
 * checks side by side, each on its own extension of `[tandem-incoming]`:
 * - `push`: the agent's pushed lease (`TANDEM_SERVING_UNTIL`, set over AMI);
 * - `chansip`: chan_sip `qualify` of the agent's silent responder (`SIP/tandem`);
 * - `pjsip`: a pjsip AOR qualifying the agent's reject responder with `qualify_2xx_only`.
 * Callers reach the extensions through the anonymous pjsip endpoint.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type AsteriskInstance, startAsterisk } from "./asterisk.js";
import { ROOT } from "./processes.js";

/** The extensions the tests call, one per admission check. */
export const CHECKS = ["push", "chansip", "pjsip"] as const;
/** One admission check. */
export type AdmissionCheck = (typeof CHECKS)[number];

/** The agent's SIP responder ports on one node. */
export interface ResponderPorts {
  /** `whenNotServing: reject` (pjsip with qualify_2xx_only, proxies). */
  reject: number;
  /** `whenNotServing: silent` (chan_sip qualify). */
  silent: number;
}

/** The ```ini blocks of docs/integrations/asterisk.md whose first line is `; FILE …`, by FILE. */
export function recipeBlocks(): Record<string, string> {
  const doc = readFileSync(join(ROOT, "docs/integrations/asterisk.md"), "utf8");
  const blocks: Record<string, string> = {};
  for (const m of doc.matchAll(/```ini\n; ([a-z_]+\.conf)\b[^\n]*\n([\s\S]*?)\n```/g)) {
    const name = m[1] as string;
    blocks[name] = `${blocks[name] ?? ""}${m[2]}\n`;
  }
  return blocks;
}

/** The recipe's config files for a node whose responders listen on `ports`. */
export function recipeConfigs(ports: ResponderPorts): Record<string, string> {
  const blocks = recipeBlocks();
  const need = (name: string): string => {
    const block = blocks[name];
    if (!block) throw new Error(`docs/integrations/asterisk.md has no \`; ${name}\` ini block`);
    return block.replaceAll("5070", String(ports.reject)).replaceAll("5073", String(ports.silent));
  };
  return {
    "pjsip.conf": `${need("pjsip.conf")}
; The test's callers come in through the anonymous endpoint.
[anonymous]
type=endpoint
context=tandem-incoming
disallow=all
allow=ulaw
`,
    "sip.conf": need("sip.conf"),
    "extensions.conf": `${need("extensions.conf")}
[tandem-none]
`,
  };
}

/** Starts an Asterisk with the recipe for a node whose responders listen on `ports`. */
export function startRecipeAsterisk(ports: ResponderPorts): Promise<AsteriskInstance> {
  return startAsterisk({ configs: recipeConfigs(ports) });
}
