#!/usr/bin/env bash
# demo.sh: brings up a wgmesh mesh of simulated hosts on this machine and shows it (docs/e2e.md).
#
#   scripts/demo.sh [--hosts N] [--keep]
#
# On a new Debian 12 machine, as root: installs the Debian packages it needs (scripts/setup-debian.sh),
# builds what is missing, starts a lab (lab/meshlab.sh: N hosts in network + mount namespaces, an
# "internet" bridge, Knot DNS), then runs the real flow: wgsite, wgpub, wgconfig + wghost on every
# host, wgsite -i, wgpub, wgdeploy on every host. Prints hosts, links, BGP and BFD state, the
# reachability matrix and the convergence time. Removes everything at the end unless --keep.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

HOSTS=3
KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
        --hosts) HOSTS=${2:-}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "usage: $0 [--hosts N] [--keep]   (N = 2..8)" >&2; exit 2 ;;
    esac
done
[[ $HOSTS =~ ^[2-8]$ ]] || { echo "error: demo: --hosts must be 2..8" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "error: demo: must run as root (namespaces, WireGuard, BIRD, Shorewall)" >&2; exit 2; }

bash scripts/setup-debian.sh || exit 1
missing=0
for c in wgsite wgpub wgconfig wghost wgdeploy; do [ -x "dist/bin/$c" ] || missing=1; done
if [ $missing = 1 ]; then
    echo "demo: building (mvn -B package -DskipTests)" >&2
    mvn -B -ntp -q package -DskipTests || { echo "error: demo: build failed" >&2; exit 1; }
fi

ML_PREFIX=wgdemo
ML_STATE=
. lab/meshlab.sh
. lab/meshflow.sh

LAB_UP=0
cleanup() {
    [ "$LAB_UP" = 1 ] || return 0
    LAB_UP=0
    if [ "$KEEP" = 1 ]; then
        cat <<EOF

The lab is still up (--keep). Look inside:
  lab/meshlab.sh -p $ML_PREFIX exec h1/$MF_LOCUS -- wg show                 # WireGuard links of h1
  lab/meshlab.sh -p $ML_PREFIX exec h1 -- birdc -s $MF_BIRD_SOCK show protocols
  lab/meshlab.sh -p $ML_PREFIX exec h1 -- birdc -s $MF_BIRD_SOCK show bfd sessions
  lab/meshlab.sh -p $ML_PREFIX exec h1/$MF_LOCUS -- ip route                # routes in the mesh namespace
  lab/meshlab.sh -p $ML_PREFIX exec h1-lan -- ping -c 3 198.18.2.100        # LAN client of h1 to h2's
  lab/meshlab.sh -p $ML_PREFIX block h1 h2                                  # cut a link (unblock h1 h2)
  site file: $(ml__state)/site/wgmesh.yaml; host files: $(ml__state)/hosts/hN/
Tear down:
  lab/meshlab.sh -p $ML_PREFIX down
EOF
        return 0
    fi
    echo "demo: removing the lab" >&2
    ml_down >/dev/null 2>&1 || ml_down
}
trap cleanup EXIT
trap 'echo "demo: interrupted" >&2; exit 130' INT TERM

fail() { echo "error: demo: $*" >&2; exit 1; }
step() { echo "demo: $*" >&2; }

if [ -e "$(ml__state)/lab.env" ]; then
    fail "a demo lab is already up; remove it first: lab/meshlab.sh -p $ML_PREFIX down"
fi
step "lab with $HOSTS hosts and Knot DNS for $MF_ZONE"
LAB_UP=1
ml_up -n "$HOSTS" 2>/dev/null || fail "the lab did not come up"
ml_knot_start "$MF_ZONE" 2>/dev/null || fail "Knot did not start"
ALL=$(seq 1 "$HOSTS")

step "wgsite: site $MF_DOMAIN; wgpub: publish to Knot"
mf_site_init || fail "site: $MF_ERR"
for n in $ALL; do
    step "h$n: wgconfig (pins $MF_FP), wghost"
    mf_enrol "$n" || fail "enrol h$n: $MF_ERR"
done
step "wgsite -i: admit $HOSTS hosts; wgpub"
mf_admit $ALL || fail "admit: $MF_ERR"
mf_publish || fail "wgpub: $MF_ERR"
T0=$(mf_now_ms)
for n in $ALL; do
    step "h$n: wgdeploy"
    mf_deploy "$n" || fail "wgdeploy on h$n: $MF_ERR"
done
T1=$(mf_now_ms)
step "waiting for BGP, BFD and every LAN to reach every LAN"
CONV=$(mf_wait_converged 60 $ALL) || { CONV_FAIL=1; }

# ---------------------------------------------------------------- the summary
echo
echo "wgmesh demo: mesh $MF_DOMAIN (site fingerprint $MF_FP)"
echo
echo "Hosts (wgsite --list):"
ml_exec site -- "$MF_BIN/wgsite" --list "$(ml__state)/site/wgmesh.yaml" 2>/dev/null | sed 's/^/  /'
echo
echo "Links (WireGuard, in namespace $MF_LOCUS of each host):"
for n in $ALL; do
    ml_exec "h$n/$MF_LOCUS" -- wg show all dump 2>/dev/null | awk -v h="h$n" 'NF == 9 {
        hs = ($6 == 0) ? "never" : (systime() - $6) "s ago"
        printf "  %-3s %-4s -> %-20s handshake %-8s rx %s B, tx %s B\n", h, $1, $4, hs, $7, $8 }' | sort -V
done
echo
echo "BGP sessions and BFD (birdc on each host):"
for n in $ALL; do
    bfd=$(mf_bfd_list "$n")
    mf_bgp_list "$n" | while read -r proto state info; do
        printf '  h%-2s %-4s BGP %-12s BFD %s\n' "$n" "$proto" "${info:-$state}" "$(awk -v i="$proto" '$1 == i {print $2}' <<<"$bfd")"
    done
done
echo
echo "Reachability (ping from each LAN client; '4 6' = IPv4 and IPv6 answered, '-' = no answer):"
mf_matrix_print $ALL
echo
echo "Deploy: $HOSTS x wgdeploy took $((T1 - T0)) ms; last wgdeploy -> converged (all sessions up, all LANs reachable): ${CONV:-?} ms"
if [ "${CONV_FAIL:-0}" = 1 ]; then
    echo "NOT CONVERGED: $MF_ERR"
    exit 1
fi
echo "Result: OK"
