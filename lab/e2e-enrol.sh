#!/bin/bash
# e2e-enrol.sh: the end-to-end proof of enrolment (docs/e2e.md, "Enrolment"; docs/enrolment.md).
# Run as root.
#
#   lab/e2e-enrol.sh [-p PREFIX] [--keep]
#
# One lab (lab/meshlab.sh, prefix wgenr) with Knot, the site publishing to it by RFC 2136, and the
# site's enrolment service (`wgsite --serve`) in the `site` netns on 203.0.113.250:8443.
# Certificates are made here with openssl: a site CA (the service's certificate), the fleet CA
# (device certificates, a CRL) and another CA. Checks, in order:
#   fleet     h1..h3 enrol with device certificates, h4 and h5 with join tokens (`wghost --enrol`,
#             admit: auto, all at once, no human step), then wgdeploy: 5 hosts converge
#   refusals  from h6: a revoked certificate, another CA's (TLS refusal), a subject the rule does
#             not match, an expired token, a used-up token: each refused with its reason (exit 9),
#             the site file and the token file byte-identical, the decision in the service's log
#   api       curl from addresses of their own: malformed JSON, a wrong type, an oversized body,
#             a slow body, a repeated request, a flood (429 with Retry-After): each its status and
#             JSON error, the site file unchanged
#   reports   every host runs `wgdeploy --check --report` (as the packaged unit does): wgsite
#             --status --json lists the 5 healthy, links 4/4, a recent report; its metrics count 5
#             reporting, 0 unhealthy
#   page      the status page in headless Chromium (lab/browser/status-page.mjs, run in the `site`
#             netns): 5 healthy; the h2-h4 link cut, h2 and h4 report (check failed, report
#             stored): h2 unhealthy without a reload; screenshots in
#             ${WGM_ARTEFACTS:-lab/artefacts}/e2e-enrol/; the link restored, 5 healthy again
#   rejoin    h1 loses its WireGuard key, wghost makes a new one and enrols again: same number,
#             ASN and port, the peers use the new key, the mesh converges again
#   push      every host runs `wgdeploy --follow`; h5 removed (`wgsite --remove`, `wgpub`) under
#             probes between the others: every peer drops its link to h5 within 5 s of wgpub, the
#             nudge in each follower's log, no probe lost
#   forged    h1's follower pointed at a service whose certificate another CA issued: refused at
#             TLS, nothing deployed, h1's links and accepted serials unchanged
#   teardown  nothing of the lab left
# Prints one PASS/FAIL line per check, then "N passed, N failed"; exit 1 if any failed. A trap
# tears the lab down on exit, error, INT and TERM (unless --keep).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ML_PREFIX=wgenr
SCENARIO=e2e-enrol
# shellcheck source=scenario.sh
. "$HERE/scenario.sh" "$@"
command -v openssl >/dev/null && command -v faketime >/dev/null ||
    { echo "e2e-enrol: openssl and faketime needed (scripts/setup-debian.sh installs them)" >&2; exit 2; }

FLEET="1 2 3 4 5"
URL=$MF_SERVICE_URL                # https://203.0.113.250:8443 (lab/meshflow.sh: the service's functions)
FLEET_DNS=fleet.wgmesh.test        # device certificates: CN=hN.fleet.wgmesh.test -> hostname hN

# ---------------------------------------------------------------- a minimal openssl PKI
# lab/pki.sh, sourced by lab/meshflow.sh: the site TLS CA by mf_service_pki, the others below.

# ---------------------------------------------------------------- helpers

# wghost --enrol on host N with the service's CA and the credentials given (lab/meshflow.sh).
enrol() { mf_enrol_service "$@"; }
cert_of() { printf -- '--cert %s/fleet/%s.pem --key %s/fleet/%s.key' "$PKI" "$1" "$PKI" "$1"; }
# NUMBER ASN PORT of host hN (wgsite --list).
host_row() { mf__run site -- "$MF_BIN/wgsite" --list "$SITE" && awk -v h="h$1" '$2 == h {print $1, $4, $5}' <<<"$MF_OUT"; }

# curl against the service from SOURCE (an address of its own, so each check has its own rate
# bucket), in h6. Sets HTTP (status, 0 when none), BODY, HDRS, CURL_RC.
api() { # SOURCE CURL-ARGS...
    local src=$1 d
    shift
    d=$(ml__state)/curl
    mkdir -p "$d"
    HTTP=$(ml_exec h6 -- curl -sS --max-time 45 --interface "$src" --cacert "$PKI/site/ca.pem" \
        -D "$d/h" -o "$d/b" -w '%{http_code}' "$@" 2>"$d/e")
    CURL_RC=$?
    BODY=$(cat "$d/b" 2>/dev/null) HDRS=$(cat "$d/h" 2>/dev/null)
    HTTP=${HTTP:-0}
}
# Expects status WANT and a JSON answer (Content-Type) whose body contains each PATTERN (grep -E).
expect() { # WHAT WANT PATTERN...
    local what=$1 want=$2 p
    shift 2
    [ "$HTTP" = "$want" ] || { bad "$what: status $HTTP, want $want (body: ${BODY:0:200})"; return 1; }
    grep -qi '^content-type: application/json' <<<"$HDRS" || bad "$what: the answer is not JSON: $(grep -i '^content-type' <<<"$HDRS")"
    for p in "$@"; do grep -qE "$p" <<<"$BODY" || bad "$what: the answer does not say $p: ${BODY:0:300}"; done
}
# What "nothing changed" compares: the site file, the token file and the published mesh record.
site_sum() { sha256sum "$SITE" "$SITE.tokens" 2>/dev/null | awk '{print $1}' | tr '\n' ' '; mf_txt_get "$MF_DOMAIN" | sha256sum | cut -c1-16; }
unchanged() { # WHAT
    [ "$(site_sum)" = "$SUM0" ] || { bad "$1 changed the site file, the token file or the mesh record"; SUM0=$(site_sum); }
}
reason_of() { sed -n 's/.*"reason":"\([^"]*\)".*/\1/p' <<<"$BODY"; }

# The fleet joins at once, so the site numbers its hosts in the order their requests were decided,
# not as the lab names them (hN is not number N). The session checks of meshflow.sh name a peer by
# its lab number (wgP for hP): these two translate WireGuard's wg<site number> back to it.
SITE_NUMBERS=   # "NUMBER:LAB-NUMBER ..." from wgsite --list
site_numbers() {
    mf__run site -- "$MF_BIN/wgsite" --list "$SITE" || return 1
    SITE_NUMBERS=$(awk '$2 ~ /^h[0-9]$/ {printf "%s:%s ", $1, substr($2, 2)}' <<<"$MF_OUT")
}
iface_of() { # LAB-NUMBER: the interface other hosts reach hN by
    local p
    for p in $SITE_NUMBERS; do [ "${p#*:}" = "$1" ] && { echo "wg${p%%:*}"; return; }; done
}
mf__renumber() { awk -v map="$SITE_NUMBERS" 'BEGIN { n = split(map, a, " "); for (i = 1; i <= n; i++) { split(a[i], p, ":"); m["wg" p[1]] = "wg" p[2] } }
    { if ($1 in m) $1 = m[$1]; print }'; }
mf_bgp_list() { mf_birdc "$1" show protocols | awk '$2 == "BGP" {print $1, $4, $6}' | mf__renumber; }
mf_bfd_list() { mf_birdc "$1" show bfd sessions | awk '$2 ~ /^wg/ {print $2, $3}' | mf__renumber; }

# ---------------------------------------------------------------- status (issue 23)

# The status part runs on the converged fleet, between the API checks and the rejoin:
#   reports   every host runs `wgdeploy --check --report` (the packaged unit's ExecStartPost);
#             `wgsite --status --json --metrics` lists the 5 healthy, every link up, a recent report
#   page      the status page in headless Chromium (lab/browser/status-page.mjs, in the `site`
#             namespace, password login): every host healthy; the h2-h4 link cut (ml_block), h2
#             and h4 report again (their check fails, the report is still stored): the page shows
#             h2 unhealthy without a reload; screenshots kept in $SHOTS; the link restored, the
#             mesh converges and every host reports healthy again
SHOTS=${WGM_ARTEFACTS:-$MF_ROOT/lab/artefacts}/e2e-enrol
CUT_A=2 CUT_B=4                    # the cut link: a certificate host and a token host

# Waits until BFD on hA sees its session to hB as S (Up/Down).
bfd_to_is() { # A B STATE SECS
    local end=$(( $(mf_now_ms) + $4 * 1000 ))
    until [ "$(mf_bfd_list "$1" | awk -v i="wg$2" '$1 == i {print $2}')" = "$3" ]; do
        [ "$(mf_now_ms)" -lt "$end" ] || return 1
        sleep 0.1
    done
}

status_part() {
    local t0 d rc browser up p f
    d=$(ml__state)
    # -------- reports
    log "status: every host reports (wgdeploy --check --report); wgsite --status --json --metrics"
    t0=$(mf_now_ms)
    report_from $FLEET
    reported 0 $FLEET
    FIG_REPORTS=$(( $(mf_now_ms) - t0 ))
    if command -v node >/dev/null && site_status_reported $FLEET; then
        status_is healthy $FLEET
        metric_is wgmesh_site_hosts 5
        metric_is wgmesh_site_hosts_reporting 5
        metric_is wgmesh_site_hosts_unhealthy 0
        metric_is wgmesh_site_hosts_stale 0
        metric_is wgmesh_site_hosts_never_reported 0
        promtool check metrics <"$d/site-status.prom" >/dev/null 2>&1 || bad "promtool rejects the site's metrics: $(promtool check metrics <"$d/site-status.prom" 2>&1 | head -n 3)"
    else
        command -v node >/dev/null || bad "node is not installed (scripts/setup-debian.sh installs Debian's nodejs: docs/e2e.md)"
    fi
    verdict reports "5 x wgdeploy --check --report (3 by certificate, 2 by credential) in $FIG_REPORTS ms, each exit 0; wgsite --status: 5 healthy, links 4/4, report age $(awk '{print $5}' <<<"$STATUS_ROWS" | sort -n | tail -n 1) s at most; metrics: 5 reporting, 0 unhealthy, 0 stale"

    # -------- page
    log "status page: headless Chromium in the site namespace; cut h$CUT_A-h$CUT_B; screenshots in $SHOTS"
    t0=$(mf_now_ms)
    rm -f "$SHOTS"/status-*.png "$SHOTS"/status-*.json "$SHOTS"/*.log "$SHOTS"/*.txt "$d/browser.ready" "$d/browser.rc"
    mkdir -p "$SHOTS" || bad "cannot make $SHOTS"
    echo "status page artefacts: $SHOTS"
    if [ ! -x /usr/bin/chromium ]; then
        bad "chromium is not installed (scripts/setup-debian.sh installs it)"
    elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        bad "node and npm are not installed (scripts/setup-debian.sh installs Debian's nodejs and npm: docs/e2e.md)"
    # playwright-core as pinned by lab/browser/package-lock.json: npm ci when node_modules is
    # missing or older than the lock (npm ci writes node_modules/.package-lock.json).
    elif [ "$HERE/browser/package-lock.json" -nt "$HERE/browser/node_modules/.package-lock.json" ] &&
        ! (cd "$HERE/browser" && npm ci --no-audit --no-fund --ignore-scripts >"$d/npm.log" 2>&1); then
        bad "npm ci in lab/browser failed: $(tail -n 3 "$d/npm.log")"
    fi
    if [ ${#ERRS[@]} = 0 ]; then
        browser=$(ml_spawn site status-page -- sh -c 'node "$@"; echo $? >"$0"' "$d/browser.rc" \
            "$HERE/browser/status-page.mjs" --url "$URL/status" --ca "$PKI/site/ca.pem" --user admin \
            --password-file "$PKI/admin.password" --hosts h1,h2,h3,h4,h5 --unhealthy "h$CUT_A" --unhealthy-link "h$CUT_A,h$CUT_B" \
            --screenshots "$SHOTS" --ready-file "$d/browser.ready" --timeout 60) || bad "the browser check did not start"
        for _ in $(seq 1 900); do
            [ -e "$d/browser.ready" ] || [ -e "$d/browser.rc" ] && break
            sleep 0.1
        done
        [ -e "$d/browser.ready" ] || bad "the page never showed the 5 hosts healthy: $(tail -n 4 "$d/logs/status-page.log" | tr '\n' ' ')"
        FIG_HEALTHY=$(( $(mf_now_ms) - t0 ))
    fi
    if [ ${#ERRS[@]} = 0 ]; then
        # The cut: UDP between h2 and h4 dropped on the lab's "internet" (as e2e.sh's failover).
        t0=$(mf_now_ms)
        ml_block "h$CUT_A" "h$CUT_B" || bad "ml_block h$CUT_A h$CUT_B failed"
        bfd_to_is "$CUT_A" "$CUT_B" Down 15 && bfd_to_is "$CUT_B" "$CUT_A" Down 15 ||
            bad "BFD between h$CUT_A and h$CUT_B is not down 15 s after the cut: $(mf_bfd_list "$CUT_A" | tr '\n' ' ')"
        report_from "$CUT_A" "$CUT_B"
        reported 12 "$CUT_A" "$CUT_B"
        grep -q "^FAIL $(iface_of "$CUT_B") " "$d/report-h$CUT_A.out" ||
            bad "h$CUT_A's check does not name its link to h$CUT_B ($(iface_of "$CUT_B")): $(tr '\n' ';' <"$d/report-h$CUT_A.out")"
        CUT_CHECK=$(grep -m1 '^FAIL ' "$d/report-h$CUT_A.out")
        # The browser waits for h2 unhealthy (without a reload), then exits.
        for _ in $(seq 1 900); do [ -e "$d/browser.rc" ] && break; sleep 0.1; done
        rc=$(cat "$d/browser.rc" 2>/dev/null)
        [ "$rc" = 0 ] || bad "the browser check exited ${rc:-(still running)}: $(grep -h 'status-page:' "$d/logs/status-page.log" | tail -n 3 | tr '\n' ' ')"
        FIG_UNHEALTHY=$(( $(mf_now_ms) - t0 ))
        for f in status-healthy.png status-unhealthy.png; do
            [ "$(head -c 8 "$SHOTS/$f" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || bad "no screenshot $SHOTS/$f"
        done
        # The site's view: both ends of the cut unhealthy with a fresh report, the others healthy.
        if site_status_reported "$CUT_A" "$CUT_B"; then
            status_is unhealthy "$CUT_A" "$CUT_B"
            # Each end's failed checks, as the site stored them, name its link to the other.
            for p in "$CUT_A:$CUT_B" "$CUT_B:$CUT_A"; do
                awk -v h="h${p%%:*}" -v c="link.$(iface_of "${p#*:}")" '$1 == h && index("," $7 ",", "," c ",") {f = 1} END {exit !f}' <<<"$STATUS_ROWS" ||
                    bad "wgsite --status: h${p%%:*}'s failed checks do not name link.$(iface_of "${p#*:}") (to h${p#*:}): $(awk -v h="h${p%%:*}" '$1 == h' <<<"$STATUS_ROWS")"
            done
            status_is healthy $(tr ' ' '\n' <<<"$FLEET" | grep -vx -e "$CUT_A" -e "$CUT_B")
            metric_is wgmesh_site_hosts_reporting 5
            metric_is wgmesh_site_hosts_unhealthy 2
            cp "$d/status.json" "$SHOTS/status-cut.json"
            printf '%s\n' "$STATUS_ROWS" >"$SHOTS/status-cut.txt"
        fi
        # The link restored: the mesh converges, the two report healthy again.
        ml_unblock "h$CUT_A" "h$CUT_B" || bad "ml_unblock h$CUT_A h$CUT_B failed"
        FIG_BACK=-
        if up=$(mf_wait_converged 60 $FLEET); then FIG_BACK="$up ms"; else bad "not converged after the link came back: $MF_ERR"; fi
        report_from "$CUT_A" "$CUT_B"
        reported 0 "$CUT_A" "$CUT_B"
        site_status_reported "$CUT_A" "$CUT_B" && status_is healthy $FLEET && metric_is wgmesh_site_hosts_unhealthy 0
    fi
    grep -h 'status-page:' "$d/logs/status-page.log" >"$SHOTS/status-page.log" 2>/dev/null
    printf '%s\n' "$STATUS_ROWS" >"$SHOTS/status-after.txt"
    verdict page "Chromium: 5 healthy in ${FIG_HEALTHY:-?} ms; h$CUT_A-h$CUT_B cut: '${CUT_CHECK:-?}', h$CUT_A and h$CUT_B reported (exit 12), the page showed h$CUT_A and the h$CUT_A-h$CUT_B link unhealthy without a reload ${FIG_UNHEALTHY:-?} ms after the cut; wgsite --status: h$CUT_A, h$CUT_B unhealthy (failed: $(awk -v a="h$CUT_A" -v b="h$CUT_B" '$1 == a || $1 == b {printf "%s %s; ", $1, $7}' "$SHOTS/status-cut.txt" 2>/dev/null)), 3 healthy, metrics 2 unhealthy; restored: converged ${FIG_BACK:-?}, 5 healthy again; screenshots in $SHOTS"
}

# ---------------------------------------------------------------- 1. fleet
log "lab up (6 hosts), Knot, PKI, site with enrolment, wgsite --serve on $URL"
LAB_UP=1
if ! ml_up -n 6 >/dev/null || ! ml_knot_start "$MF_ZONE" >/dev/null 2>&1; then
    bad "lab did not come up"; verdict fleet ""; echo "$PASSED passed, $((FAILED + 6)) failed"; exit 1
fi
PKI=$(mf__pki)
SITE=$(mf__site)/wgmesh.yaml
STATUS_HOSTS=$FLEET
{
    mf_service_pki || bad "$MF_ERR"
    pki_ca "$PKI/fleet" "wgmesh lab fleet CA" || bad "fleet CA: $(tail -n 3 "$PKI/fleet/openssl.log")"
    for n in 1 2 3; do pki_leaf "$PKI/fleet" "h$n" "/O=wgmesh lab/CN=h$n.$FLEET_DNS" device || bad "certificate of h$n"; done
    pki_leaf "$PKI/fleet" revoked "/CN=h6.$FLEET_DNS" device && pki_revoke "$PKI/fleet" revoked || bad "revoked certificate"
    pki_leaf "$PKI/fleet" nomatch "/CN=h6.elsewhere.example" device || bad "non-matching certificate"
    pki_ca "$PKI/other" "some other CA" && pki_leaf "$PKI/other" foreign "/CN=h6.$FLEET_DNS" device || bad "other CA"
    # The hosts read the files from the state dir (shared with them); the keys stay 0600.
    mf_site_init || bad "site init: $MF_ERR"
    mf_service_section <<YAML || bad "wgsite refuses the enrolment section: $MF_ERR"
  certificates:
  - name: fleet
    ca: $PKI/fleet/ca.pem
    crl: $PKI/fleet/ca.crl
    subject: CN=*.$FLEET_DNS
    lan-prefixes:
    - 198.18.0.0/16
    - fd00:18::/32
    admit: auto
    rejoin: true
  tokens:
    expires: 1h
    uses: 1
    admit: auto
YAML
    for n in 4 5; do
        mf_token "h$n" "$(mf__site)/h$n.token" || bad "wgsite --token for h$n: $MF_ERR"
    done
    # A token made "two days ago" for an hour: expired now.
    mf__run site -- env FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f -2d "$MF_BIN/wgsite" --token --hostname 'h*' \
        --lan 198.18.0.0/16 --lan fd00:18::/32 "$SITE" ||
        bad "wgsite --token two days ago: $MF_ERR"
    mf_token_of >"$(mf__site)/expired.token"
    # The status page's admin (--serve reads the admins at its start): a password made here, given
    # on standard input, never on a command line.
    (umask 077 && openssl rand -hex 16 >"$PKI/admin.password") &&
        mf__run site -- "$MF_BIN/wgsite" --admin-password admin "$SITE" <"$PKI/admin.password" || bad "wgsite --admin-password: $MF_ERR"
    mf_service_start && mf_service_wait 30 || bad "$MF_ERR"
}
SERVICE_LOG=$(ml__state)/logs/wgsite-serve.log
# A slow body, started now (it runs into the service's 30 s connection deadline while the fleet
# joins): 4 KiB at 100 bytes a second would take 40 s.
SLOW_OUT=$(ml__state)/slow.out
ml_exec h6 -- ip addr add 203.0.113.201/24 dev pub0 && ml_exec h6 -- ip addr add 203.0.113.202/24 dev pub0 &&
    ml_exec h6 -- ip addr add 203.0.113.203/24 dev pub0 && ml_exec h6 -- ip addr add 203.0.113.204/24 dev pub0 &&
    ml_exec h6 -- ip addr add 203.0.113.205/24 dev pub0 || bad "could not add the API clients' addresses to h6"
SLOW_T0=$(mf_now_ms)
( api 203.0.113.203 --limit-rate 100 -H 'Content-Type: application/json' \
      --data-binary "{\"blob\": \"$(head -c 4000 /dev/zero | tr '\0' a)\"}" "$URL/v1/enrol"
  printf '%s %s %s\n' "$HTTP" "$CURL_RC" $(( $(mf_now_ms) - SLOW_T0 )) >"$SLOW_OUT" ) &
SLOW_JOB=$!
# The job is a subshell of this script in the machine's namespaces (only its curl is in h6, which
# the lab's teardown ends): ended here on every exit, by its PID and its children's.
end_slow_job() { ml__alive "$SLOW_JOB" || return 0; pkill -TERM -P "$SLOW_JOB"; kill -TERM "$SLOW_JOB" 2>/dev/null; }
trap 'end_slow_job; teardown' EXIT

log "fleet: h1..h3 by device certificate, h4, h5 by join token, all at once"
declare -A CRED
for n in 1 2 3; do CRED[$n]=$(cert_of "h$n"); done
for n in 4 5; do CRED[$n]="--token-file $(mf__site)/h$n.token"; done
T0=$(mf_now_ms)
if [ ${#ERRS[@]} = 0 ]; then
    pids=()
    for n in $FLEET; do
        (
            mf_configure "$n" || { echo "wgconfig: $MF_ERR" >"$(ml__state)/enrol-h$n.err"; exit 1; }
            # shellcheck disable=SC2086
            enrol "$n" ${CRED[$n]}
            rc=$?
            printf '%s\n' "$MF_OUT" >"$(ml__state)/enrol-h$n.out"
            printf '%s\n' "$MF_ERR" >"$(ml__state)/enrol-h$n.err"
            exit $rc
        ) &
        pids+=("$n:$!")
    done
    for p in "${pids[@]}"; do
        n=${p%%:*}
        wait "${p#*:}" || bad "h$n: wghost --enrol exited $?: $(tr '\n' ' ' <"$(ml__state)/enrol-h$n.out") $(grep -m2 -E '^(error|hint)' "$(ml__state)/enrol-h$n.err" | tr '\n' ' ')"
        grep -q '^admitted: ' "$(ml__state)/enrol-h$n.out" || bad "h$n was not admitted: $(cat "$(ml__state)/enrol-h$n.out")"
    done
fi
T_ENROLLED=$(( $(mf_now_ms) - T0 ))
ADMITTED=$(grep -cE '^ *enrolled-as: ' "$SITE")
[ "$ADMITTED" = 5 ] || bad "$ADMITTED hosts in the site file have enrolled-as, want 5"
grep -qE "enrolled-as: .*CN=h1\.$FLEET_DNS" "$SITE" || bad "h1's entry does not record its subject"
grep -qE 'enrolled-as: .?token:' "$SITE" || bad "no host entry records a token identity"
FIG_FLEET=-
site_numbers || bad "wgsite --list: $MF_ERR"
if [ ${#ERRS[@]} = 0 ]; then
    deploy_all $FLEET
    if ms=$(mf_wait_converged 60 $FLEET); then FIG_FLEET="$ms ms"; else bad "5 hosts not converged: $MF_ERR"; fi
fi
verdict fleet "5 hosts enrolled at once in $T_ENROLLED ms (3 certificates, 2 tokens, admit: auto); wgdeploy on each; 20 BGP/BFD sessions up, 20 LAN pairs x v4+v6 reachable $FIG_FLEET after the last deploy"

# ---------------------------------------------------------------- 2. refusals
log "refusals: revoked, other CA, subject, expired token, used-up token (from h6)"
SUM0=$(site_sum)
mf_configure 6 || bad "wgconfig on h6: $MF_ERR"
REFUSALS=
refused() { # WHAT REASON-PATTERN CREDENTIAL-OPTIONS...
    local what=$1 want=$2 rc said
    shift 2
    enrol 6 "$@"
    rc=$?
    said=$(grep -m1 -E '^refused: ' <<<"$MF_OUT")
    [ -n "$said" ] || said=$(grep -m1 '^error: ' <<<"$MF_ERR")
    [ "$rc" = 9 ] || bad "$what: wghost --enrol exited $rc, want 9: $MF_OUT $MF_ERR"
    grep -qiE "$want" <<<"$said" || bad "$what: '$said' does not give the reason ($want)"
    unchanged "the $what"
    REFUSALS+="$what: '${said:0:160}'; "
}
# shellcheck disable=SC2046
{
    refused "revoked certificate" '^refused: revoked' $(cert_of revoked)
    refused "other CA's certificate" 'handshake|certificate' --cert "$PKI/other/foreign.pem" --key "$PKI/other/foreign.key"
    refused "non-matching subject" '^refused: subject does not match' $(cert_of nomatch)
    refused "expired token" '^refused: expired' --token-file "$(mf__site)/expired.token"
    refused "used-up token" '^refused: used up' --token-file "$(mf__site)/h4.token"
}
grep -qE '^ *hostname: h6$' "$SITE" && bad "h6 is in the site file"
for r in 'reason=revoked' 'reason=TLS handshake failed' 'reason=subject does not match' 'reason=expired' 'reason=used up'; do
    grep -q "decision=refused $r" "$SERVICE_LOG" || bad "the service did not log 'decision=refused $r'"
done
verdict refusals "${REFUSALS}site and token files unchanged, each decision logged"

# ---------------------------------------------------------------- 3. api
log "api: curl with malformed, oversized, slow, repeated requests and a flood"
SUM0=$(site_sum)
JSON=(-H 'Content-Type: application/json')
api 203.0.113.201 "${JSON[@]}" --data-binary '{"blob": ' "$URL/v1/enrol"
expect "malformed JSON" 400 '"error":"bad request"' '"field":"body"'
unchanged "malformed JSON"
api 203.0.113.201 "${JSON[@]}" --data-binary '{"blob": 42}' "$URL/v1/enrol"
expect "a number for blob" 400 '"error":"bad request"' '"field":"blob"'
api 203.0.113.201 "${JSON[@]}" --data-binary '{"blob": "x", "admin": true}' "$URL/v1/enrol"
expect "an unknown field" 400 '"error":"bad request"' '"field":"admin"'
unchanged "a bad field"
head -c 20000 /dev/zero | tr '\0' a | sed 's/^/{"blob": "/; s/$/"}/' >"$(ml__state)/big.json"
api 203.0.113.202 "${JSON[@]}" --data-binary "@$(ml__state)/big.json" "$URL/v1/enrol"
expect "a 20 KB body" 413 '"error":"payload too large"'
api 203.0.113.202 "${JSON[@]}" -H 'Transfer-Encoding: chunked' --data-binary "@$(ml__state)/big.json" "$URL/v1/enrol"
expect "a 20 KB chunked body" 413 '"error":"payload too large"'
unchanged "an oversized body"
# Repeated: h2's registration (wghost without --enrol prints it and changes nothing) sent twice
# with h2's certificate: the same answer, nothing changed.
mf__run h2 -- "$MF_BIN/wghost" "$MF_DOMAIN" || bad "wghost on h2: $MF_ERR"
printf '{"blob": "%s"}' "$MF_OUT" >"$(ml__state)/h2.json"
REPEAT=
for i in 1 2; do
    api 203.0.113.204 "${JSON[@]}" --cert "$PKI/fleet/h2.pem" --key "$PKI/fleet/h2.key" \
        --data-binary "@$(ml__state)/h2.json" "$URL/v1/enrol"
    expect "repeated request $i" 200 '"decision":"admitted"'
    REPEAT+="$i. '$(reason_of)' "
done
unchanged "the repeated request"
# A flood: 12 enrolments at once from one address (h6's registration with the revoked
# certificate): 10 decided (refused), then 429.
mf__run h6 -- "$MF_BIN/wghost" "$MF_DOMAIN" || bad "wghost on h6: $MF_ERR"
printf '{"blob": "%s"}' "$MF_OUT" >"$(ml__state)/h6.json"
FLOOD=$(ml_exec h6 -- sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    curl -sS --max-time 20 --interface 203.0.113.205 --cacert "$1/site/ca.pem" --cert "$1/fleet/revoked.pem" \
        --key "$1/fleet/revoked.key" -H "Content-Type: application/json" --data-binary "@$2/h6.json" \
        -D "$2/flood-$i.h" -o "$2/flood-$i.b" -w "%{http_code}\n" "$3/v1/enrol" &
done; wait' flood "$PKI" "$(ml__state)" "$URL" 2>/dev/null | sort | uniq -c | awk '{printf "%s x %s, ", $1, $2}')
N429=0
for f in "$(ml__state)"/flood-*.h; do
    head -n 1 "$f" | grep -q ' 429' || continue
    N429=$((N429 + 1))
    b=${f%.h}.b
    grep -qi '^retry-after: [0-9]' "$f" || bad "a 429 without Retry-After: $(tr '\r\n' '  ' <"$f")"
    grep -q '"error":"too many requests"' "$b" || bad "a 429 without the JSON error: $(cat "$b")"
done
[ "$N429" -ge 2 ] || bad "the flood of 12 got $N429 answers 429, want at least 2 ($FLOOD)"
RETRY=$(grep -hi '^retry-after:' "$(ml__state)"/flood-*.h | head -n 1 | tr -dc 0-9)
for f in "$(ml__state)"/flood-*.h; do
    head -n 1 "$f" | grep -q ' 200' || continue
    grep -q '"decision":"refused","reason":"revoked' "${f%.h}.b" || bad "a flood request answered 200 is not refused as revoked: $(cat "${f%.h}.b")"
done
unchanged "the flood"
wait "$SLOW_JOB"
read -r SLOW_HTTP SLOW_RC SLOW_MS <"$SLOW_OUT" 2>/dev/null || SLOW_HTTP=?
[ "${SLOW_HTTP:-?}" = 000 ] || [ "${SLOW_HTTP:-?}" = 0 ] || bad "the slow body got status ${SLOW_HTTP:-?}, want the connection cut"
[ "${SLOW_RC:-0}" != 0 ] || bad "curl's slow upload ended well, want it cut"
[ "${SLOW_MS:-99999}" -lt 36000 ] || bad "the slow body was cut after ${SLOW_MS:-?} ms, want the 30 s deadline"
unchanged "the slow body"
verdict api "400 naming body/blob/admin; 413 declared and chunked; repeated: $REPEAT; flood of 12: ${FLOOD}Retry-After ${RETRY:-?} s; slow body cut after ${SLOW_MS:-?} ms (curl exit ${SLOW_RC:-?}); site and token files unchanged"

status_part

# ---------------------------------------------------------------- 4. rejoin
log "rejoin: h1 loses its key, wghost makes a new one, enrols again"
ROW0=$(host_row 1)
SUM0=$(site_sum)
pubkey() { ml_exec "h$1/$MF_LOCUS" -- wg show all public-key 2>/dev/null | awk 'NR == 1 {print $2}'; }
KEY0=$(pubkey 1)
ml_exec h1 -- rm -f "/etc/wgmesh/$MF_DOMAIN.key" || bad "could not remove h1's key"
# shellcheck disable=SC2046
enrol 1 $(cert_of h1) || bad "h1's rejoin: wghost --enrol exited $?: $MF_OUT $MF_ERR"
SAID=$(grep -m1 '^admitted: ' <<<"$MF_OUT")
[ -n "$SAID" ] || bad "h1's rejoin was not admitted: $MF_OUT"
grep -q 'created host key' <<<"$MF_ERR" || bad "wghost did not say it created a new key"
ROW1=$(host_row 1)
# The comparison the refusals rely on sees a real change (the new key in the file and the record).
[ "$(site_sum)" != "$SUM0" ] || bad "the rejoin changed neither the site file nor the mesh record, as site_sum sees them"
[ -n "$ROW0" ] && [ "$ROW0" = "$ROW1" ] || bad "h1's number/ASN/port changed: '$ROW0' -> '$ROW1'"
deploy_all $FLEET
KEY1=$(pubkey 1)
[ -n "$KEY1" ] && [ "$KEY1" != "$KEY0" ] || bad "h1's WireGuard key did not change ($KEY0)"
for n in 2 3 4 5; do
    [ "$(ml_exec "h$n/$MF_LOCUS" -- wg show "$(iface_of 1)" peers 2>/dev/null)" = "$KEY1" ] || bad "h$n's $(iface_of 1) peer is not h1's new key"
done
FIG_REJOIN=-
if ms=$(mf_wait_converged 60 $FLEET); then FIG_REJOIN="$ms ms"; else bad "not converged after the rejoin: $MF_ERR"; fi
verdict rejoin "'${SAID#admitted: }'; number ASN port '${ROW1:-?}' kept; new key on every peer; converged $FIG_REJOIN after the last deploy"

# ---------------------------------------------------------------- 5. push
log "push: every host follows the site (wgdeploy --follow); h5 removed and wgpub under probes"
d=$(ml__state)
follower_log() { printf '%s/logs/follow-h%s.log' "$d" "$1"; }
for n in $FLEET; do
    ml_spawn "h$n" "follow-h$n" -- "$MF_BIN/wgdeploy" --follow -v --resolver "$MF_HOST_RESOLVER" \
        --supervisor direct "$MF_DOMAIN" >/dev/null || bad "wgdeploy --follow did not start on h$n"
done
# A follower asks after serial 0 first, so each deploys once at its start, then waits.
for n in $FLEET; do
    for _ in $(seq 1 600); do grep -q '^.*deployed' "$(follower_log "$n")" 2>/dev/null && break; sleep 0.1; done
    grep -q 'deployed' "$(follower_log "$n")" 2>/dev/null ||
        bad "h$n's follower did not deploy at its start: $(tail -n 3 "$(follower_log "$n")" | tr '\n' ' ')"
done
# Every link of h1..h4 carries probes while h5 goes: the removal must not disturb the others.
PUSH_PEERS="1 2 3 4"
for n in $PUSH_PEERS; do
    mf_probe_start "push-$n" "$n" "198.18.$(( n % 4 + 1 )).100" 0.02 || bad "probe from h$n did not start"
done
sleep 1
GONE=$(iface_of 5)
T_REMOVE=$(mf_now_ms)
mf_remove 5 || bad "wgsite --remove h5: $MF_ERR"
mf_publish || bad "wgpub after the removal: $MF_ERR"
T_PUB=$(mf_now_ms)
PUSH_MAX=0
for n in $PUSH_PEERS; do
    dropped=
    for _ in $(seq 1 400); do
        if ! ml_exec "h$n/$MF_LOCUS" -- wg show interfaces 2>/dev/null | tr ' ' '\n' | grep -qx "$GONE"; then
            dropped=$(( $(mf_now_ms) - T_PUB )); break
        fi
        sleep 0.05
    done
    if [ -z "$dropped" ]; then
        bad "h$n still has its link to h5 ($GONE) 20 s after wgpub"
    else
        [ "$dropped" -gt "$PUSH_MAX" ] && PUSH_MAX=$dropped
    fi
done
[ "$PUSH_MAX" -lt 5000 ] || bad "the last peer dropped its link to h5 ${PUSH_MAX} ms after wgpub, want under 5 s; followers said: $(for n in $PUSH_PEERS; do printf 'h%s: ' "$n"; tail -n 4 "$(follower_log "$n")" | tr '\n' ' '; done)"
PUSH_LOSS=""
for n in $PUSH_PEERS; do
    mf_probe_stop "push-$n"
    PUSH_LOSS+="h$n:$PROBE_LOST/$PROBE_SENT "
    [ "${PROBE_LOST:-1}" = 0 ] || bad "probes from h$n lost $PROBE_LOST of $PROBE_SENT during the removal (longest gap $PROBE_GAP_MS ms)"
done
for n in $PUSH_PEERS; do
    grep -q 'nudged: the site published serial' "$(follower_log "$n")" || bad "h$n's follower logged no nudge"
done
mf_wait_converged 60 $PUSH_PEERS >/dev/null || bad "h1..h4 not converged after the removal: $MF_ERR"
verdict push "h5 removed: every peer dropped its link ${PUSH_MAX} ms after wgpub at most ($(( T_PUB - T_REMOVE )) ms for wgsite --remove and wgpub); probes lost ${PUSH_LOSS}"

# ---------------------------------------------------------------- 6. forged
# A service that is not the site's (its certificate from another CA) cannot nudge: the follower
# refuses it at TLS and deploys nothing; the mesh is unchanged.
log "forged: h1's follower pointed at a service with another CA's certificate"
FORGED_DIR=$d/forged-h1
{
    pki_leaf "$PKI/other" server "/CN=site.wgmesh.test" server "IP:$MF_SERVICE_IP" &&
        ml_spawn site forged-service -- openssl s_server -quiet -accept "$MF_SERVICE_IP:8444" \
            -cert "$PKI/other/server.pem" -key "$PKI/other/server.key" -WWW >/dev/null
} || bad "the forged service did not start"
# h1's endpoint files with report-url moved to the forged service: a follower of its own.
mkdir -p "$FORGED_DIR" && ml_exec h1 -- cp -a /etc/wgmesh/. "$FORGED_DIR/" &&
    sed -i "s|^report-url: .*|report-url: https://$MF_SERVICE_IP:8444|" "$FORGED_DIR/$MF_DOMAIN.yaml" ||
    bad "could not copy h1's endpoint files"
SEEN0=$(ml_exec h1 -- cat "/var/lib/wgmesh/$MF_DOMAIN.seen" 2>/dev/null)
LINKS0=$(ml_exec "h1/$MF_LOCUS" -- wg show all peers 2>/dev/null | sort)
ml_spawn h1 forged-follow -- "$MF_BIN/wgdeploy" --follow --config-dir "$FORGED_DIR" \
    --resolver "$MF_HOST_RESOLVER" --supervisor direct "$MF_DOMAIN" >/dev/null || bad "the forged follower did not start"
FORGED_LOG=$d/logs/forged-follow.log
for _ in $(seq 1 150); do grep -q 'cannot ask the site' "$FORGED_LOG" 2>/dev/null && break; sleep 0.1; done
sleep 2 # a second and third try (1 s, then 2 s of back-off)
grep -q "cannot ask the site for nudges: .*8444.*not from the CA" "$FORGED_LOG" ||
    bad "the follower did not refuse the forged service's certificate: $(tail -n 3 "$FORGED_LOG" | tr '\n' ' ')"
! grep -q 'nudged\|deploying' "$FORGED_LOG" || bad "the forged service made h1 deploy: $(grep -m1 'nudged\|deploying' "$FORGED_LOG")"
[ "$(ml_exec h1 -- cat "/var/lib/wgmesh/$MF_DOMAIN.seen" 2>/dev/null)" = "$SEEN0" ] || bad "h1's accepted serials changed"
[ "$(ml_exec "h1/$MF_LOCUS" -- wg show all peers 2>/dev/null | sort)" = "$LINKS0" ] || bad "h1's links changed"
verdict forged "a service with another CA's certificate: the follower refused it at TLS ($(grep -c 'cannot ask the site' "$FORGED_LOG") warning, retried with back-off), deployed nothing; h1's links and accepted serials unchanged"

teardown_verdict
WALL=$(( ($(mf_now_ms) - T_START) / 1000 ))
echo "figures: fleet enrolled in $T_ENROLLED ms, converged $FIG_FLEET; 5 reports in ${FIG_REPORTS:-?} ms; page healthy in ${FIG_HEALTHY:-?} ms, unhealthy ${FIG_UNHEALTHY:-?} ms after the cut; rejoin converged $FIG_REJOIN; removal pushed to every peer in ${PUSH_MAX:-?} ms after wgpub; e2e-enrol wall time ${WALL} s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
