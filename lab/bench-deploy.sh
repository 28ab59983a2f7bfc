#!/bin/bash
# bench-deploy.sh: how long an operator waits for wgdeploy (docs/benchmarks.md, "Deploy"). Run as
# root; a benchmark, not a test.
#
#   lab/bench-deploy.sh [--rounds N] [-p PREFIX] [--keep] [--firewall shorewall|nftables] [--underlay ipv4|ipv6]
#
# A 3-host lab (lab/meshlab.sh) with Knot; the site made, h1..h3 enrolled, admitted, published.
# Then N rounds (default 3), each: a first `wgdeploy` on h1, h2, h3 (fresh hosts: namespace,
# links, firewall, BIRD all new), a no-op `wgdeploy` on each (nothing to change), and `wgdeploy
# --down` on each. Every time is the wall time of the whole command as an operator runs it (JVM
# start included), from the lab's shell. Prints the median and the range of each:
#   bench-deploy: firewall F, underlay U, N rounds: first deploy median M ms (MIN..MAX), no-op median M ms (MIN..MAX)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROUNDS=3
ARGS=()
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) ROUNDS=$2; shift 2 ;;
        *) ARGS+=("$1"); shift ;;
    esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "$0: --rounds must be a whole number >= 1" >&2; exit 2; }
ML_PREFIX=wgbdep
SCENARIO=bench-deploy
# shellcheck source=scenario.sh
. "$HERE/scenario.sh" "${ARGS[@]}"

UP_OPTS=(-n 3)
[ "$MF_UNDERLAY" = ipv6 ] && UP_OPTS+=(--v6-only 1,2,3)
log "lab up (3 hosts, underlay $MF_UNDERLAY, firewall ${MF_FIREWALL:-shorewall}) and Knot for $MF_ZONE"
LAB_UP=1
ml_up "${UP_OPTS[@]}" >/dev/null && ml_knot_start "$MF_ZONE" >/dev/null 2>&1 || { echo "$SCENARIO: lab did not come up" >&2; exit 1; }
mf_site_init || { echo "$SCENARIO: site init: $MF_ERR" >&2; exit 1; }
for n in 1 2 3; do mf_enrol "$n" || { echo "$SCENARIO: enrol h$n: $MF_ERR" >&2; exit 1; }; done
mf_admit 1 2 3 && mf_publish || { echo "$SCENARIO: admit/publish: $MF_ERR" >&2; exit 1; }

timed() { # VAR N [options]: runs mf_deploy N, appends its wall time in ms to the array VAR
    local -n out=$1
    local n=$2 t
    shift 2
    t=$(mf_now_ms)
    mf_deploy "$n" "$@" || { echo "$SCENARIO: wgdeploy $* on h$n: $MF_ERR" >&2; exit 1; }
    out+=($(( $(mf_now_ms) - t )))
}
FIRST=() NOOP=()
for ((r = 1; r <= ROUNDS; r++)); do
    for n in 1 2 3; do timed FIRST "$n"; done
    mf_wait_converged 60 1 2 3 >/dev/null || { echo "$SCENARIO: not converged: $MF_ERR" >&2; exit 1; }
    for n in 1 2 3; do
        timed NOOP "$n" -v
        grep -qE '^(ran: |(added|changed|removed) /)' <<<"$MF_ERR" && { echo "$SCENARIO: the no-op run on h$n changed something" >&2; exit 1; }
    done
    for n in 1 2 3; do
        mf__run "h$n" -- "$MF_BIN/wgdeploy" --down "$MF_DOMAIN" || { echo "$SCENARIO: --down on h$n: $MF_ERR" >&2; exit 1; }
    done
    log "round $r: first ${FIRST[*]: -3} ms, no-op ${NOOP[*]: -3} ms"
done

stats() { # VALUES...: "median M ms (MIN..MAX)"
    local s
    s=$(printf '%s\n' "$@" | sort -n)
    awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2); printf "median %d ms (%d..%d)", m, v[1], v[NR] }' <<<"$s"
}
echo "bench-deploy: firewall ${MF_FIREWALL:-shorewall}, underlay $MF_UNDERLAY, $ROUNDS rounds x 3 hosts: first deploy $(stats "${FIRST[@]}"), no-op $(stats "${NOOP[@]}")"
