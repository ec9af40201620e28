#!/usr/bin/env bash
# Installs what the test suite needs beyond npm: the real peers the tests start as child
# processes (Kamailio, HAProxy, SIPp, etcd, Chromium, Prometheus' promtool, stress-ng,
# faketime, systemd-analyze, logrotate) and the libraries the prebuilt Asterisk loads.
#
# `npm test` runs this first (the `pretest` script), and so does `.ci/run`. As root it installs
# whatever is missing from Debian's packages without starting any of their services; otherwise
# it prints the exact `apt-get install` line and exits 1 before a single test runs, so nobody
# sees a test fail because a tool is missing.
#
# Usage: scripts/test-deps.sh [--check]   (--check only reports, installs nothing)
set -uo pipefail

# command-or-file the tests run  ->  Debian package that provides it
needs=(
  "/usr/sbin/kamailio kamailio"
  "/usr/sbin/haproxy haproxy"
  "/usr/bin/sipp sip-tester"
  "/usr/bin/etcd etcd-server"
  "/usr/bin/etcdctl etcd-client"
  "/usr/bin/chromium chromium"
  "/usr/bin/promtool prometheus"
  "/usr/bin/stress-ng stress-ng"
  "/usr/bin/faketime faketime"
  "/usr/sbin/logrotate logrotate"
  "/usr/bin/systemd-analyze systemd"
  "/usr/bin/gzip gzip"
  "/usr/sbin/ip iproute2"
  "/usr/bin/openssl openssl"
  # Libraries of the prebuilt Asterisk 20 (../shared/asterisk/README.md).
  "/usr/lib/x86_64-linux-gnu/libjansson.so.4 libjansson4"
  "/usr/lib/x86_64-linux-gnu/libedit.so.2 libedit2"
  "/usr/lib/x86_64-linux-gnu/libxslt.so.1 libxslt1.1"
  "/usr/lib/x86_64-linux-gnu/libcurl.so.4 libcurl4"
  "/usr/lib/x86_64-linux-gnu/libsqlite3.so.0 libsqlite3-0"
  "/usr/lib/x86_64-linux-gnu/libpq.so.5 libpq5"
)

missing=()
for entry in "${needs[@]}"; do
  path=${entry% *}
  package=${entry#* }
  [ -e "$path" ] || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "${1:-}" = "--check" ]; then
  echo "test tools missing: ${missing[*]}"
  echo "install them with: $line"
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The test suite needs these Debian packages, which are not installed: ${missing[*]}" >&2
  echo "Install them as root, then run the tests again:" >&2
  echo "  sudo $line" >&2
  exit 1
fi

echo "installing test tools: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The packages would start their own services (kamailio on 5060, haproxy, etcd on 2379,
# prometheus on 9090). The tests start their own instances on free ports: keep the packaged
# ones from starting, the Debian way (policy-rc.d answering 101 = "action forbidden").
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ "$had_policy" -eq 0 ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
fi
cleanup() { [ "$had_policy" -eq 0 ] && rm -f "$policy"; }
trap cleanup EXIT

install() { apt-get install -y --no-install-recommends "${missing[@]}"; }
if ! install; then
  apt-get update -q && install || {
    echo "could not install: ${missing[*]}" >&2
    exit 1
  }
fi
# A machine with systemd running may have started them regardless: stop what the packages
# started, so the loopback ports the tests pick stay free.
for service in kamailio haproxy etcd prometheus prometheus-node-exporter; do
  if pgrep -x "$service" >/dev/null 2>&1 || pgrep -f "/usr/bin/$service" >/dev/null 2>&1; then
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
      systemctl disable --now "$service" >/dev/null 2>&1 || true
    else
      service "$service" stop >/dev/null 2>&1 || true
    fi
  fi
done
echo "test tools installed"
