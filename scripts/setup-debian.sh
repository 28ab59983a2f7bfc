#!/usr/bin/env bash
# Installs what wgmesh needs to build, test (also the machines lab, lab/machines) and run the demo on
# Debian 12, as root.
# Idempotent: packages already present are left alone; apt-get runs only when one is missing.
set -euo pipefail

PACKAGES=(
  openjdk-17-jdk-headless maven            # build
  asciidoctor                              # man pages (picocli's AsciiDoc to roff) for the .deb
  wireguard-tools wireguard-go             # wg, and userspace WireGuard where the kernel has no module
  bird2                                    # BGP + BFD
  shorewall shorewall6 iptables            # firewall, DNAT into the mesh namespace
  knot knot-dnsutils bind9-dnsutils        # authoritative DNS for tests and the demo (knotd, kdig, nsupdate)
  unbound                                  # the caching resolver of lab/e2e.sh's cache-mix check
  iproute2 util-linux procps psmisc        # ip, nsenter/unshare, pkill-free process handling
  fping iputils-ping nftables conntrack    # probes, the lab's link cuts, stale-NAT cleanup
  lintian                                  # the package check
  mmdebstrap e2fsprogs                     # the lab machines' Debian 12 image (lab/machines)
  systemd-container                        # systemd-nspawn: the lab's containers
  qemu-system-x86                          # the lab's VM (kernel WireGuard)
  openssh-client                           # driving the machines
  prometheus                               # promtool: the tests check every metrics file wgmesh writes
  prometheus-node-exporter curl            # the e2e lab scrapes the endpoint metrics through it
  openssl                                  # the tests' and the enrolment labs' certificates (TestPki, lab/pki.sh)
  faketime                                 # lab/e2e-keys.sh moves the commands' clock forward
  iputils-arping                           # lab/e2e-overlay.sh: ARP across the VXLAN overlay
  time                                     # GNU time: peak memory in scripts/bench-topology.sh
  chromium                                 # lab/e2e-enrol.sh opens the status page in it (headless)
  zbar-tools                               # zbarimg: the clients lab decodes the config's QR code (issue 25)
)

if [ "$(id -u)" != 0 ]; then
  echo "error: setup: must run as root (it installs Debian packages)" >&2
  exit 2
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts no daemons in a container without systemd, but be sure none of the packaged
# services runs with the default configuration: the tests start their own instances.
for s in knot bird unbound; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$s" 2>/dev/null; then
    systemctl stop "$s" || true
  fi
done
# Node.js and npm run the status page's browser check (lab/browser: playwright-core, pinned to
# the last release that runs on Debian 12's Node.js 18). A machine that already has a node and an
# npm (say Node.js 20 from another repository, whose nodejs package carries npm and conflicts with
# Debian's) keeps them; otherwise Debian's nodejs and npm are installed.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: installing nodejs npm (Debian's)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends nodejs npm >/dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 18 ]; then
  echo "error: setup: lab/e2e-enrol.sh (the status page in Chromium) needs Node.js 18 or newer;" \
    "found $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi
echo "setup: all packages present" >&2
