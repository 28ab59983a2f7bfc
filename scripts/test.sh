#!/usr/bin/env bash
# The whole test suite (docs/e2e.md): unit, golden, property and fuzz-regression tests, then the
# privileged integration tests (real Knot, wireguard-go, BIRD, Shorewall in namespaces the tests
# create); the end-to-end scenarios of the mesh lab (simulated hosts in namespaces); then the
# package as installed software: its install, upgrade, remove and purge in a Debian 12 chroot, and
# the fleet of Debian 12 machines with systemd (containers, and one VM for kernel WireGuard).
# Run as root on Debian 12 (no sudo needed): scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-debian.sh
mvn -B -ntp verify -Dwgmesh.privileged=true "$@"
bash lab/e2e.sh
# Hub and spoke with hosts behind NAT and the same-LAN shortcut, 8 hosts (docs/e2e.md).
bash lab/e2e-topology.sh
# Keys over time: group key, host key and site key rotations under traffic (docs/e2e.md).
bash lab/e2e-keys.sh
# The lab machines' Debian 12 image (lab/machines/build-image.sh), built once from Debian's
# packages and cached in /var/cache/wgmesh-lab (WGM_CACHE): a first run builds it.
# The package's install, upgrade, remove and purge on that root file system, in a chroot.
bash lab/machines/package-lifecycle.sh "${WGM_CACHE:-/var/cache/wgmesh-lab}"
# The package on Debian 12 machines with systemd as PID 1: a site and five endpoints in
# containers, one endpoint in a VM with kernel WireGuard (docs/e2e.md, "Installed software").
WGM_CACHE=${WGM_CACHE:-/var/cache/wgmesh-lab} bash lab/machines/fleet.sh
