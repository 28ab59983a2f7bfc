# scenario.sh: the harness of the end-to-end scripts (lab/e2e.sh, lab/e2e-topology.sh,
# lab/e2e-keys.sh, lab/e2e-enrol.sh). A script sets ML_PREFIX (its default lab prefix) and SCENARIO (its name in
# messages), then sources this file with its arguments:  . "$HERE/scenario.sh" "$@"
# It reads -p PREFIX, --keep and the lab's variant (--underlay ipv4|ipv6, --firewall
# shorewall|nftables, --bfd PROFILE: MF_UNDERLAY, MF_FIREWALL, MF_BFD for meshflow.sh), sources meshlab.sh and meshflow.sh, checks for root and the
# commands in dist/bin, and sets the traps that tear the lab down (unless --keep). Then: one
# PASS/FAIL line per scenario with its figures, sub-checks collected with `bad`, probe helpers,
# health-report helpers (report_from, reported, site_status_reported, status_is, metric_is).

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

# ---------------------------------------------------------------- health reports (docs/enrolment.md, "Status")
# For hosts enrolled through the site's service (mf_enrol_service): each sends its health with
# `wgdeploy --check --report`, the site shows it in `wgsite --status --json` (read with node).

# wgdeploy --check --report on the hosts listed, at once (at most REPORT_PARALLEL at a time when
# it is set: each is a JVM, and the report gives the service 3 s to connect, TLS included);
# REPORT_RC[N] is each one's exit code, its output in STATE/report-hN.out/.err.
declare -A REPORT_RC
REPORTS_SENT=0                     # mf_now_ms just before the last report_from
REPORT_PARALLEL=${REPORT_PARALLEL:-0}
report_from() { # N...
    local n p pids=()
    REPORTS_SENT=$(mf_now_ms)
    for n in "$@"; do
        if [ "$REPORT_PARALLEL" -gt 0 ] && [ ${#pids[@]} -ge "$REPORT_PARALLEL" ]; then
            wait "${pids[0]#*:}"
            REPORT_RC[${pids[0]%%:*}]=$?
            pids=("${pids[@]:1}")
        fi
        ( mf_check "$n" --report
          rc=$?
          printf '%s\n' "$MF_OUT" >"$(ml__state)/report-h$n.out"
          printf '%s\n' "$MF_ERR" >"$(ml__state)/report-h$n.err"
          exit $rc ) &
        pids+=("$n:$!")
    done
    for p in "${pids[@]}"; do
        wait "${p#*:}"
        REPORT_RC[${p%%:*}]=$?
    done
}
# Each host listed must have reported with exit code WANT (0 healthy, 12 unhealthy: both mean the
# report was stored; any other is the report's own failure).
reported() { # WANT N...
    local want=$1 n
    shift
    for n in "$@"; do
        [ "${REPORT_RC[$n]:-?}" = "$want" ] ||
            bad "wgdeploy --check --report on h$n exited ${REPORT_RC[$n]:-?}, want $want: $(grep -hE '^(FAIL|error|hint)' "$(ml__state)/report-h$n".{out,err} | tr '\n' ' ')"
    done
}
# wgsite --status --json --metrics in the site namespace (as the lab runs wgsite): one line per
# host "HOST HEALTH LINKS-UP PEERS REPORT-AGE SERIAL FAILED-CHECKS RECEIVED-MS" in STATUS_ROWS (node reads the
# JSON: it is there for the browser anyway), the document in STATE/status.json, the metrics in
# STATE/site-status.prom.
site_status() {
    local d
    d=$(ml__state)
    mf__run site -- "$MF_BIN/wgsite" --status --json --metrics "$d/site-status.prom" "$(mf__site)/wgmesh.yaml" || { bad "wgsite --status --json: $MF_ERR"; return 1; }
    printf '%s\n' "$MF_OUT" >"$d/status.json"
    STATUS_ROWS=$(node -e 'for (const h of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).hosts)
        console.log([h.host, h.health, h["links-up"] ?? "-", h.peers ?? "-", h["report-age"] ?? "-", h.serial ?? "-",
            (h["failed-checks"] || []).join(",") || "-", Date.parse(h.received ?? "") || 0].join(" "))' "$d/status.json") || { bad "status JSON unreadable: ${MF_OUT:0:300}"; return 1; }
}
# site_status, once the status file holds the reports the hosts listed sent in the last
# report_from: the service keeps reports in memory and writes the file at most once a second
# (docs/enrolment.md, "The status file"), so a read right after the reports can still show the
# earlier ones (a CI run saw h2 unhealthy from its report during the cut).
site_status_reported() { # N...
    local n end stale
    end=$(( $(mf_now_ms) + 5000 ))
    while :; do
        site_status || return 1
        stale=
        for n in "$@"; do
            awk -v h="h$n" -v t="$REPORTS_SENT" '$1 == h && $8 >= t {f = 1} END {exit !f}' <<<"$STATUS_ROWS" || stale+=" h$n"
        done
        [ -z "$stale" ] && return 0
        [ "$(mf_now_ms)" -lt "$end" ] || { bad "wgsite --status: no report received from$stale since the last run, 5 s after it"; return 1; }
        sleep 0.2
    done
}
# Every host listed is HEALTH in STATUS_ROWS with a report at most 60 s old (and, when healthy,
# every link up: as many as the host's peers among $STATUS_HOSTS by mf_peers_of, the scenario's
# topology; every host of the mesh goes in STATUS_HOSTS).
STATUS_HOSTS=
status_is() { # HEALTH N...
    local want=$1 n row health up peers age links
    shift
    for n in "$@"; do
        row=$(awk -v h="h$n" '$1 == h' <<<"$STATUS_ROWS")
        read -r _ health up peers age _ <<<"$row"
        [ "$health" = "$want" ] || { bad "wgsite --status: h$n is '${health:-absent}', want $want ($row)"; continue; }
        [ "$age" != - ] && [ "$age" -le 60 ] || bad "wgsite --status: h$n's last report is '$age' s old, want a recent one"
        [ "$want" = healthy ] || continue
        # shellcheck disable=SC2086
        links=$(mf_peers_of "$n" $STATUS_HOSTS | grep -c .)
        { [ "$up" = "$links" ] && [ "$peers" = "$links" ]; } || bad "wgsite --status: h$n has links $up/$peers up, want $links/$links"
    done
}
metric_is() { # NAME VALUE
    local got
    got=$(awk -v n="$1" '$1 == n {print $2}' "$(ml__state)/site-status.prom")
    [ "$got" = "$2" ] || bad "the site's metrics: $1 is '${got:-absent}', want $2"
}
trap 'teardown' EXIT
trap 'log "interrupted"; exit 130' INT TERM
