# scenario.sh: the harness of the end-to-end scripts (lab/e2e.sh, lab/e2e-topology.sh,
# lab/e2e-keys.sh). A script sets ML_PREFIX (its default lab prefix) and SCENARIO (its name in
# messages), then sources this file with its arguments:  . "$HERE/scenario.sh" "$@"
# It reads -p PREFIX, --keep and the lab's variant (--underlay ipv4|ipv6, --firewall
# shorewall|nftables, --bfd PROFILE: MF_UNDERLAY, MF_FIREWALL, MF_BFD for meshflow.sh), sources meshlab.sh and meshflow.sh, checks for root and the
# commands in dist/bin, and sets the traps that tear the lab down (unless --keep). Then: one
# PASS/FAIL line per scenario with its figures, sub-checks collected with `bad`, probe helpers.

SCENARIO_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ML_STATE=
KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
        -p) ML_PREFIX=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --underlay) MF_UNDERLAY=$2; shift 2 ;;
        --firewall) MF_FIREWALL=$2; shift 2 ;;
        --bfd) MF_BFD=$2; shift 2 ;;
        *) echo "usage: $0 [-p PREFIX] [--keep] [--underlay ipv4|ipv6] [--firewall shorewall|nftables] [--bfd normal|fast]" >&2; exit 2 ;;
    esac
done
case ${MF_UNDERLAY:-ipv4} in ipv4 | ipv6) ;; *) echo "$0: --underlay must be ipv4 or ipv6" >&2; exit 2 ;; esac
# shellcheck source=meshlab.sh
. "$SCENARIO_HERE/meshlab.sh"
# shellcheck source=meshflow.sh
. "$SCENARIO_HERE/meshflow.sh"

[ "$(id -u)" = 0 ] || { echo "$SCENARIO: must run as root" >&2; exit 2; }
for c in wgsite wgpub wgconfig wghost wgdeploy; do
    [ -x "$MF_BIN/$c" ] || { echo "$SCENARIO: $MF_BIN/$c missing: build first (mvn -B package -DskipTests)" >&2; exit 2; }
done

T_START=$(mf_now_ms)
PASSED=0
FAILED=0
ERRS=()
LAB_UP=0

log() { local t=$(( ($(mf_now_ms) - T_START) / 100 )); printf '[%4d.%ds] %s\n' $((t / 10)) $((t % 10)) "$*" >&2; }
# Records a failed sub-check of the current scenario.
bad() { ERRS+=("$*"); log "  problem: $*"; }
# Ends a scenario: PASS if no sub-check failed. Figures go on the line.
verdict() { # NAME FIGURES
    if [ ${#ERRS[@]} = 0 ]; then
        PASSED=$((PASSED + 1))
        printf 'PASS %-12s %s\n' "$1" "$2"
    else
        FAILED=$((FAILED + 1))
        printf 'FAIL %-12s %s\n' "$1" "$2"
        printf '     - %s\n' "${ERRS[@]}"
    fi
    ERRS=()
}

teardown() {
    [ "$LAB_UP" = 1 ] || return 0
    LAB_UP=0
    if [ "$KEEP" = 1 ]; then
        echo "lab kept: $HERE/meshlab.sh -p $ML_PREFIX exec h1/$MF_LOCUS -- wg show; tear down: $HERE/meshlab.sh -p $ML_PREFIX down" >&2
        return 0
    fi
    ml_down >/dev/null 2>&1 || ml_down
}

# Deploys on every host listed; each must exit 0.
deploy_all() { # N...
    local n
    for n in "$@"; do
        mf_deploy "$n" || { bad "wgdeploy on h$n failed (exit $?): $MF_ERR"; return 1; }
    done
}

# Runs wgdeploy on the hosts listed, each must exit with code WANT and say 'error:'.
deploy_refused() { # WANT N...
    local want=$1 n rc
    shift
    for n in "$@"; do
        mf_deploy "$n"
        rc=$?
        if [ "$rc" != "$want" ]; then
            bad "wgdeploy on h$n exited $rc, want $want: $MF_ERR"
        elif ! grep -q '^error: ' <<<"$MF_ERR"; then
            bad "wgdeploy on h$n gave no error message"
        else
            LAST_REFUSAL=$(grep -m1 '^error: ' <<<"$MF_ERR")
            grep -q '^hint: ' <<<"$MF_ERR" && LAST_REFUSAL+=" ($(grep -m1 '^hint: ' <<<"$MF_ERR"))"
        fi
    done
}

snapshots() { local n; for n in "$@"; do echo "== h$n"; mf_snapshot "$n"; done; }


# Replies a running probe (mf_probe_start NAME) has had so far.
# grep -c prints 0 itself when nothing matches (and exits 1); only a missing log leaves it silent.
probe_replies() {
    local n
    n=$(grep -c ' bytes from ' "$(ml__state)/logs/probe-$1.log" 2>/dev/null)
    echo "${n:-0}"
}
wait_replies() { # NAME COUNT SECS
    local end=$(( $(mf_now_ms) + $3 * 1000 ))
    while [ "$(probe_replies "$1")" -lt "$2" ]; do
        [ "$(mf_now_ms)" -lt "$end" ] || return 1
        sleep 0.05
    done
}

# The last scenario: the lab is removed (unless --keep) and nothing of it is left on the machine.
teardown_verdict() {
    local left f p
    if [ "$KEEP" = 1 ]; then
        log "--keep: lab left up"
    else
        log "teardown"
        LAB_UP=0
        ml_down >/dev/null 2>&1 || bad "meshlab down failed"
        ip netns list 2>/dev/null | grep -q "^$ML_PREFIX-" && bad "namespaces left: $(ip netns list | grep "^$ML_PREFIX-" | tr '\n' ' ')"
        left=$(grep -lz "^MESHLAB_LAB=$ML_PREFIX\$" /proc/[0-9]*/environ 2>/dev/null | grep -v "^/proc/$$/" | while read -r f; do
            p=${f#/proc/}; p=${p%/environ}; ml__alive "$p" && cat "/proc/$p/comm"; done)
        [ -z "$left" ] || bad "processes left: $left"
        grep -q " /tmp/wgl-$ML_PREFIX" /proc/self/mountinfo && bad "mounts left under /tmp/wgl-$ML_PREFIX"
        [ -e "/tmp/wgl-$ML_PREFIX" ] && bad "state dir left"
        for f in "/etc/bird/wgmesh-$MF_LOCUS.conf" "/etc/systemd/system/wgmesh-$MF_LOCUS.service" "/etc/wgmesh/$MF_DOMAIN.yaml" /run/wgmesh; do
            [ -e "$f" ] && bad "$f exists on the machine"
        done
        verdict teardown "no namespace, process, mount or file of the lab left"
    fi
}

trap 'teardown' EXIT
trap 'log "interrupted"; exit 130' INT TERM
