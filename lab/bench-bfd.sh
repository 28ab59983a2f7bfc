#!/bin/bash
# bench-bfd.sh: false BFD flaps and probe loss of a healthy mesh under load, per BFD profile
# (docs/benchmarks.md, "Failover and BFD profiles"). Run as root; a benchmark, not a test.
#
#   lab/bench-bfd.sh [--minutes M] [--load N | --build DIR] [-p PREFIX] [--keep] [--bfd PROFILE]
#
# A 3-host lab (lab/meshlab.sh) meshed through the real commands with the site's BFD profile
# PROFILE (wgsite --bfd; default: the site's default). Then, for M minutes (default 10): 20 ms
# probes between the LAN clients of every pair (h1->h2, h2->h3, h3->h1, IPv4), N busy loops
# (default: one per core) keeping every core busy, or with --build DIR a Maven build of the project
# checkout DIR over and over (`mvn -o -q clean package -DskipTests`: JVMs starting, compilers,
# disk), and once a second every host's BFD sessions read
# with birdc. No link is cut: every BFD state change is a false flap. Prints one line:
#   bench-bfd: profile P, M min, load N: F false flaps (BFD state changes), L of S probes lost, longest reply gap G ms
# and exits 0 when the lab ran (the figures are the result, whatever they are).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MINUTES=10
LOAD=$(nproc)
BUILD=
ARGS=()
while [ $# -gt 0 ]; do
    case $1 in
        --minutes) MINUTES=$2; shift 2 ;;
        --load) LOAD=$2; shift 2 ;;
        --build) BUILD=$2; shift 2 ;;
        *) ARGS+=("$1"); shift ;;
    esac
done
[[ $MINUTES =~ ^[0-9]+$ ]] && [ "$MINUTES" -ge 1 ] || { echo "$0: --minutes must be a whole number >= 1" >&2; exit 2; }
[[ $LOAD =~ ^[0-9]+$ ]] || { echo "$0: --load must be a whole number" >&2; exit 2; }
ML_PREFIX=wgbfd
SCENARIO=bench-bfd
# shellcheck source=scenario.sh
. "$HERE/scenario.sh" "${ARGS[@]}"

BURNERS=()
stop_load() {
    local p
    # A build runs in a session of its own (setsid): end the whole group, Maven's JVM included.
    for p in "${BURNERS[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null; done
    for p in "${BURNERS[@]}"; do wait "$p" 2>/dev/null; done
    BURNERS=()
}
trap 'stop_load; teardown' EXIT

log "lab up (3 hosts, BFD ${MF_BFD:-default}) and Knot for $MF_ZONE"
LAB_UP=1
ml_up -n 3 >/dev/null && ml_knot_start "$MF_ZONE" >/dev/null 2>&1 || { echo "$SCENARIO: lab did not come up" >&2; exit 1; }
mf_site_init || { echo "$SCENARIO: site init: $MF_ERR" >&2; exit 1; }
for n in 1 2 3; do mf_enrol "$n" || { echo "$SCENARIO: enrol h$n: $MF_ERR" >&2; exit 1; }; done
mf_admit 1 2 3 && mf_publish || { echo "$SCENARIO: admit/publish: $MF_ERR" >&2; exit 1; }
for n in 1 2 3; do mf_deploy "$n" || { echo "$SCENARIO: wgdeploy on h$n: $MF_ERR" >&2; exit 1; }; done
mf_wait_converged 60 1 2 3 >/dev/null || { echo "$SCENARIO: not converged: $MF_ERR" >&2; exit 1; }
INTERVALS=$(mf_birdc 1 show bfd sessions | awk '$2 ~ /^wg/ {print $2 "=" $5}' | tr '\n' ' ' | sed 's/ $//')
log "converged; BFD sessions on h1 (interface=interval): $INTERVALS"

# "IFACE STATE SINCE" per BFD session of host N, SINCE in ms of the day: it moves with every state
# change. BIRD prints it from the monotonic clock converted to wall time, so it wobbles by a
# millisecond or two between reads: a change of more than a second, or any change of state, is a flap.
bfd_states() {
    mf_birdc "$1" show bfd sessions | awk '$2 ~ /^wg/ {
        split($4, t, ":"); print $2, $3, int((t[1] * 3600 + t[2] * 60 + t[3]) * 1000) }'
}
flapped() { # OLD NEW: "STATE MS" each
    local os=${1% *} om=${1#* } ns=${2% *} nm=${2#* } d
    [ "$os" != "$ns" ] && return 0
    d=$((nm - om)); [ "$d" -lt 0 ] && d=$((-d))
    [ "$d" -gt 1000 ]
}

PAIRS="1:2 2:3 3:1"
for pr in $PAIRS; do
    mf_probe_start "s${pr/:/}" "${pr%:*}" "198.18.${pr#*:}.100" 0.02 || { echo "$SCENARIO: probe did not start" >&2; exit 1; }
done
if [ -n "$BUILD" ]; then
    [ -f "$BUILD/pom.xml" ] || { echo "$SCENARIO: --build $BUILD: no pom.xml there" >&2; exit 2; }
    (cd "$BUILD" && exec setsid sh -c 'while :; do mvn -B -ntp -o -q clean package -DskipTests >/dev/null 2>&1; done') &
    BURNERS+=($!)
    LOADDESC="a Maven build of $BUILD looping"
else
    for ((i = 0; i < LOAD; i++)); do
        (exec nice -n 0 sh -c 'while :; do :; done') &
        BURNERS+=($!)
    done
    LOADDESC="$LOAD busy loops"
fi
log "soak: $MINUTES min, $LOADDESC, 20 ms probes on 3 pairs"
declare -A LAST
FLAPS=0
for n in 1 2 3; do
    while read -r i st since; do LAST["$n/$i"]="$st $since"; done < <(bfd_states "$n")
done
END=$(( $(mf_now_ms) + MINUTES * 60000 ))
while [ "$(mf_now_ms)" -lt "$END" ]; do
    sleep 1
    for n in 1 2 3; do
        while read -r i st since; do
            if [ -z "${LAST["$n/$i"]:-}" ] || flapped "${LAST["$n/$i"]}" "$st $since"; then
                FLAPS=$((FLAPS + 1))
                log "h$n $i: ${LAST["$n/$i"]:-none} -> $st $since"
            fi
            LAST["$n/$i"]="$st $since"
        done < <(bfd_states "$n")
    done
done
stop_load
SENT=0 LOST=0 GAP=0
for pr in $PAIRS; do
    mf_probe_stop "s${pr/:/}"
    SENT=$((SENT + PROBE_SENT)); LOST=$((LOST + PROBE_LOST))
    [ "$PROBE_GAP_MS" -gt "$GAP" ] && GAP=$PROBE_GAP_MS
done
echo "bench-bfd: profile ${MF_BFD:-default} ($INTERVALS), $MINUTES min, load: $LOADDESC: $FLAPS false flaps (BFD state changes), $LOST of $SENT probes lost, longest reply gap $GAP ms"
