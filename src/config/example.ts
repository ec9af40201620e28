/**
 * A complete example configuration, shown at the end of `docs/config.md`. Tests load it, so
 * the documented example is always valid.
 */

/** The environment variables the example refers to. */
export const EXAMPLE_ENV = ["TANDEM_DB_PASSWORD", "TANDEM_AMI_SECRET"] as const;

/** One Asterisk node of a pair, with a probe of every kind. */
export const exampleConfig = `# /etc/tandem/tandem.yaml on pbx-a
node:
  name: pbx-a

api:
  listen: 0.0.0.0:7701

log:
  level: info
  file: /var/log/tandem/agent.log

probeDefaults:
  interval: 2s
  timeout: 1s
  fall: 3

probes:
  asterisk:
    kind: process
    pidFile: /var/run/asterisk/asterisk.pid
  sip:
    kind: tcp
    port: 5060
  sip-options:
    kind: sip
    description: Asterisk answers SIP OPTIONS (any final answer but a 5xx)
    uri: sip:127.0.0.1:5060;transport=udp
    expect: [200, 401, 404]
  ari:
    kind: http
    url: http://127.0.0.1:8088/ari/asterisk/info
    expectStatus: [200, 401]
  cdr-db:
    kind: sql
    driver: mysql
    url: mysql://asterisk@10.0.0.20:3306/asteriskcdr
    password: \${TANDEM_DB_PASSWORD}  # or \${file:/etc/tandem/db-password}
    timeout: 1500ms
  recordings:
    kind: file
    stamp: /srv/recordings/.tandem-stamp
  spool:
    kind: disk
    path: /var/spool/asterisk
    maxUsedPercent: 85
    severity: warning
  cpu:
    kind: load
    maxPerCore: 3
    window: 5
    severity: warning
  memory:
    kind: memory
    minAvailablePercent: 5
  uptime:
    kind: command
    command: [/usr/sbin/asterisk, -rx, core show uptime]
    interval: 10s
    timeout: 5s
  ami:
    kind: asterisk
    description: AMI answers; the support queue has agents logged in
    username: tandem
    secret: \${TANDEM_AMI_SECRET}
    queue: { name: support, minMembers: 1 }
    severity: warning

sip:
  # Tells the upstream whether this node takes calls: OPTIONS → 200 while ACTIVE, else 503.
  listeners:
    - { address: 0.0.0.0, port: 5070 }
`;
