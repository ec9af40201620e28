/**
 * What `tandem init` learns from an Asterisk configuration directory: where its pid file is,
 * the SIP transports and the AMI port it listens on, its spool directory and the database its
 * realtime or CDR modules use. Reads files only; never connects to anything.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type ConfSection, confValue, parseAsteriskConf } from "./asterisk-conf.js";

/** Something found, with the file (and section) it came from, for the config's comments. */
interface Found {
  /** Where it was found, e.g. `pjsip.conf [transport-udp]`, or the default that applied. */
  from: string;
}

/** A SIP transport Asterisk listens on. */
export interface SipTransport extends Found {
  protocol: "udp" | "tcp";
  /** The address to probe: a wildcard bind address becomes loopback. */
  host: string;
  port: number;
}

/** A database Asterisk uses, without its password (it stays where it is). */
export interface AsteriskDatabase extends Found {
  driver: "postgres" | "mysql";
  host: string;
  port: number;
  user: string | undefined;
  name: string | undefined;
}

/** Everything found in an Asterisk configuration directory. */
export interface AsteriskDiscovery {
  /** The directory that was read. */
  etcDir: string;
  /** The config files that were read, by name (empty: no Asterisk configuration there). */
  files: string[];
  /** Asterisk's pid file (from `astrundir`), when any Asterisk file was found. */
  pidFile?: { path: string } & Found;
  /** Asterisk's spool directory (from `astspooldir`), when any Asterisk file was found. */
  spoolDir?: { path: string } & Found;
  sip: SipTransport[];
  ami?: { host: string; port: number } & Found;
  database?: AsteriskDatabase;
}

/**
 * Reads the Asterisk configuration in `etcDir` (usually `/etc/asterisk`).
 *
 * @example
 * ```ts
 * const found = discoverAsterisk("/etc/asterisk");
 * found.pidFile?.path; // "/var/run/asterisk/asterisk.pid"
 * found.sip;           // [{ protocol: "udp", host: "127.0.0.1", port: 5060, from: "pjsip.conf [transport-udp]" }]
 * ```
 */
export function discoverAsterisk(etcDir: string): AsteriskDiscovery {
  const files: string[] = [];
  const read = (name: string): ConfSection[] | undefined => {
    let text: string;
    try {
      text = readFileSync(join(etcDir, name), "utf8");
    } catch {
      return undefined;
    }
    files.push(name);
    return parseAsteriskConf(text);
  };
  const asterisk = read("asterisk.conf");
  const pjsip = read("pjsip.conf");
  const chanSip = read("sip.conf");
  const manager = read("manager.conf");
  const database = findDatabase(read);
  const result: AsteriskDiscovery = { etcDir, files, sip: [] };
  if (files.length === 0) return result;

  const directories = asterisk?.find((s) => s.name === "directories");
  const runDir = confValue(directories, "astrundir");
  result.pidFile = {
    path: join(runDir ?? "/var/run/asterisk", "asterisk.pid"),
    from: runDir ? "astrundir in asterisk.conf" : "Asterisk's default astrundir",
  };
  const spoolDir = confValue(directories, "astspooldir");
  result.spoolDir = {
    path: spoolDir ?? "/var/spool/asterisk",
    from: spoolDir ? "astspooldir in asterisk.conf" : "Asterisk's default astspooldir",
  };
  result.sip = pjsip ? pjsipTransports(pjsip) : [];
  if (result.sip.length === 0 && chanSip) result.sip = chanSipTransports(chanSip);
  const ami = managerPort(manager);
  if (ami) result.ami = ami;
  if (database) result.database = database;
  return result;
}

/** A port number from a config value, or `fallback` when the value is missing or not a port. */
function portOf(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : fallback;
}

/** `0.0.0.0:5060`, `[::]:5061`, `10.0.0.11` → host to probe and port. */
function parseBind(bind: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(bind);
  const v4 = /^([^:]+)(?::(\d+))?$/.exec(bind);
  const [host, port] = v6 ? [v6[1] ?? "::", v6[2]] : v4 ? [v4[1] ?? "0.0.0.0", v4[2]] : [bind];
  const probeHost =
    host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "[::1]" : v6 ? `[${host}]` : host;
  return { host: probeHost, port: portOf(port, defaultPort) };
}

function pjsipTransports(sections: ConfSection[]): SipTransport[] {
  const transports: SipTransport[] = [];
  for (const s of sections) {
    if (confValue(s, "type") !== "transport") continue;
    const protocol = (confValue(s, "protocol") ?? "udp").toLowerCase();
    // TLS and WebSocket transports need more than an OPTIONS over UDP/TCP to probe.
    if (protocol !== "udp" && protocol !== "tcp") continue;
    const bind = confValue(s, "bind");
    if (!bind) continue;
    transports.push({ protocol, ...parseBind(bind, 5060), from: `pjsip.conf [${s.name}]` });
  }
  return transports;
}

function chanSipTransports(sections: ConfSection[]): SipTransport[] {
  const general = sections.find((s) => s.name === "general");
  if (!general) return [];
  const port = portOf(confValue(general, "bindport"), 5060);
  const udp = parseBind(
    confValue(general, "udpbindaddr") ?? confValue(general, "bindaddr") ?? "0.0.0.0",
    port,
  );
  const transports: SipTransport[] = [{ protocol: "udp", ...udp, from: "sip.conf [general]" }];
  if (confValue(general, "tcpenable") === "yes") {
    const tcp = parseBind(confValue(general, "tcpbindaddr") ?? "0.0.0.0", port);
    transports.push({ protocol: "tcp", ...tcp, from: "sip.conf [general]" });
  }
  return transports;
}

function managerPort(sections: ConfSection[] | undefined): AsteriskDiscovery["ami"] {
  const general = sections?.find((s) => s.name === "general");
  if (!general || !/^(yes|true|on|1)$/i.test(confValue(general, "enabled") ?? "no"))
    return undefined;
  const port = portOf(confValue(general, "port"), 5038);
  const { host } = parseBind(confValue(general, "bindaddr") ?? "0.0.0.0", port);
  return { host, port, from: "manager.conf [general]" };
}

/** The first database named by the realtime or CDR modules that Tandem can probe. */
function findDatabase(
  read: (name: string) => ConfSection[] | undefined,
): AsteriskDatabase | undefined {
  const sources = [
    {
      file: "res_config_pgsql.conf",
      section: "general",
      driver: "postgres",
      keys: ["dbhost", "dbport", "dbuser", "dbname"],
    },
    {
      file: "cdr_pgsql.conf",
      section: "global",
      driver: "postgres",
      keys: ["hostname", "port", "user", "dbname"],
    },
    {
      file: "res_config_mysql.conf",
      section: undefined,
      driver: "mysql",
      keys: ["dbhost", "dbport", "dbuser", "dbname"],
    },
    {
      file: "cdr_mysql.conf",
      section: "global",
      driver: "mysql",
      keys: ["hostname", "port", "user", "dbname"],
    },
  ] as const;
  for (const source of sources) {
    const sections = read(source.file);
    // res_config_mysql.conf names its sections after the database connections.
    const section = source.section
      ? sections?.find((s) => s.name === source.section)
      : sections?.find((s) => confValue(s, "dbhost") !== undefined);
    const [hostKey, portKey, userKey, nameKey] = source.keys;
    const host = confValue(section, hostKey);
    if (!section || !host) continue;
    const defaultPort = source.driver === "postgres" ? 5432 : 3306;
    return {
      driver: source.driver,
      host: host === "localhost" ? "127.0.0.1" : host,
      port: portOf(confValue(section, portKey), defaultPort),
      user: confValue(section, userKey),
      name: confValue(section, nameKey),
      from: `${source.file} [${section.name}]`,
    };
  }
  return undefined;
}
