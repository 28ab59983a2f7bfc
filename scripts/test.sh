#!/usr/bin/env bash
# The whole test suite (docs/e2e.md): unit, golden, property and fuzz-regression tests, then the
# privileged integration tests (real Knot, wireguard-go, BIRD, Shorewall in namespaces the tests
# create); the end-to-end scenarios of the mesh lab (simulated hosts in namespaces); then the
# package as installed software: its install, upgrade, remove and purge in a Debian 12 chroot, and
# the fleet of Debian 12 machines with systemd (containers, and one VM for kernel WireGuard).
# Run as root on Debian 12 (no sudo needed): scripts/test.sh
# Each part ends with a line "test.sh: PART took N s" (docs/e2e.md lists them).
set -euo pipefail
cd "$(dirname "$0")/.."

part() { # NAME COMMAND...
  local name=$1 t0=$SECONDS
  shift
  "$@"
  echo "test.sh: $name took $((SECONDS - t0)) s"
}

part setup bash scripts/setup-debian.sh
part "maven verify" mvn -B -ntp verify -Dwgmesh.privileged=true "$@"
part e2e bash lab/e2e.sh
# The same scenarios on an IPv6-only underlay with the nftables firewall
# (docs/e2e.md, "Variants").
part "e2e ipv6 nftables" bash lab/e2e.sh -p wge2e6 --underlay ipv6 --firewall nftables
# Hub and spoke with hosts behind NAT and the same-LAN shortcut, 8 hosts (docs/e2e.md).
part e2e-topology bash lab/e2e-topology.sh
# Keys over time: group key, host key and site key rotations under traffic (docs/e2e.md).
part e2e-keys bash lab/e2e-keys.sh
# Enrolment: a fleet of 5 joins through the site's HTTPS service (wgsite --serve, wghost --enrol),
# refusals, the API under curl, health reports and the status page in headless Chromium through a
# link cut (screenshots in lab/artefacts/e2e-enrol/), a rejoin (docs/e2e.md, "Enrolment").
part e2e-enrol bash lab/e2e-enrol.sh
# Migration: the original wgmesh 2.0.2's files (a 100-host site, five hosts' node files, keys and
# blobs) imported, and five hosts set up from them form a mesh (docs/e2e.md, "Migration").
part e2e-migrate bash lab/e2e-migrate.sh
# VXLAN overlay (issue 25): mesh addresses reachable, the overlay on (arping, IPv6, fdb, MTU) and
# off again (docs/e2e.md, "VXLAN overlay").
part e2e-overlay bash lab/e2e-overlay.sh
# Names: A/AAAA and PTR records of the hosts in Knot's forward and reverse zones, kept in step
# with joins and removals (docs/e2e.md, "Names").
part e2e-names bash lab/e2e-names.sh
# Clients: devices with only WireGuard get wg-quick configs and QR codes from wgsite, come up with
# the real wg-quick and reach every LAN; refusals; a removed client reaches nothing; with both
# firewalls (docs/e2e.md, "Clients").
part e2e-clients bash lab/e2e-clients.sh
part "e2e-clients nftables" bash lab/e2e-clients.sh -p wgeclin --firewall nftables
# The lab machines' Debian 12 image (lab/machines/build-image.sh), built once from Debian's
# packages and cached in /var/cache/wgmesh-lab (WGM_CACHE; .ci/run gives an empty one).
export WGM_CACHE=${WGM_CACHE:-/var/cache/wgmesh-lab}
part "machines image" bash lab/machines/build-image.sh "$WGM_CACHE"
# The package's install, upgrade, remove and purge on that root file system, in a chroot.
part "package lifecycle" bash lab/machines/package-lifecycle.sh "$WGM_CACHE"
# The package on Debian 12 machines with systemd as PID 1: a site and five endpoints in
# containers, one endpoint in a VM with kernel WireGuard (docs/e2e.md, "Installed software").
part fleet bash lab/machines/fleet.sh
