#!/bin/bash
# e2e.sh: the end-to-end proof that wgmesh works (docs/e2e.md). Run as root.
#
#   lab/e2e.sh [-p PREFIX] [--keep] [--underlay ipv4|ipv6] [--firewall shorewall|nftables] [--bfd PROFILE]
#
# The variant options (scenario.sh) choose the hosts' underlay (ipv6: their public interfaces have
# only IPv6 addresses, so WireGuard and DNS go over IPv6), the firewall wgdeploy runs, and the
# site's BFD profile; every check below holds for each variant. scripts/test.sh runs two.
# One lab (lab/meshlab.sh) with 4 simulated hosts and Knot; the mesh is built and changed only
# through wgsite, wgpub, wgconfig, wghost and wgdeploy (lab/meshflow.sh). Checks, in order:
# isolation, convergence, no-op, metrics, spoofed sources, failover, join, removal, cache mix, bad records, DNS outage, teardown. Prints one
# PASS/FAIL line per check with its figures, then "N passed, N failed"; exit 1 if any failed.
# A trap tears the lab down on exit, error, INT and TERM (unless --keep).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ML_PREFIX=wge2e
SCENARIO=e2e
# shellcheck source=scenario.sh
. "$HERE/scenario.sh" "$@"
FIG_CONVERGE=- FIG_NOOP=- FIG_FAILOVER=- FIG_JOIN=-
FIREWALL=${MF_FIREWALL:-shorewall}   # the endpoints' default when none is given
VARIANT="underlay $MF_UNDERLAY, firewall $FIREWALL, BFD ${MF_BFD:-normal}"
UP_OPTS=(-n 4)
[ "$MF_UNDERLAY" = ipv6 ] && UP_OPTS+=(--v6-only 1,2,3,4)
# The address family of the WireGuard endpoints and the resolver the hosts use.
if [ "$MF_UNDERLAY" = ipv6 ]; then UNDERLAY_RE='^\[2001:db8:ff::[0-9]+\]:[0-9]+$'; else UNDERLAY_RE='^203\.0\.113\.[0-9]+:[0-9]+$'; fi

# ---------------------------------------------------------------- 0. isolation
log "lab up (4 hosts: $VARIANT) and Knot for $MF_ZONE"
LAB_UP=1
if ! ml_up "${UP_OPTS[@]}" >/dev/null || ! ml_knot_start "$MF_ZONE" >/dev/null 2>&1; then
    bad "lab did not come up"
    verdict isolation ""
    echo "$PASSED passed, $((FAILED + 12)) failed"
    exit 1
fi
# Every path wgdeploy writes must be private to the simulated host: a marker written inside h1
# must not appear on the machine.
ISO_PATHS="/etc/wireguard /etc/bird /etc/shorewall /etc/shorewall6 /etc/systemd/system /etc/wgmesh
/var/lib/wgmesh /var/lib/shorewall /var/lib/shorewall6 /var/lib/prometheus/node-exporter /var/log /run/wgmesh /run/bird /run/wireguard /run/netns"
MARK=.wgmesh-e2e-marker-$$
ml_exec h1 -- sh -c "for p in $(echo $ISO_PATHS); do mkdir -p \$p && touch \$p/$MARK || exit 1; done" ||
    bad "could not write markers inside h1"
for p in $ISO_PATHS; do
    [ -e "$p/$MARK" ] && { bad "$p is not private to the simulated host"; rm -f "$p/$MARK"; }
done
ml_exec h1 -- sh -c "for p in $(echo $ISO_PATHS); do rm -f \$p/$MARK; done"
verdict isolation "$(echo $ISO_PATHS | wc -w) paths private to each host"

# ---------------------------------------------------------------- 1. convergence
log "site, enrolment of h1..h3, admission, publication, deployment"
T_DEPLOY_END=
{
    mf_site_init || bad "site init: $MF_ERR"
    for n in 1 2 3; do mf_enrol "$n" || bad "enrol h$n: $MF_ERR"; done
    mf_admit 1 2 3 || bad "wgsite -i: $MF_ERR"
    mf_publish || bad "wgpub: $MF_ERR"
    T0=$(mf_now_ms)
    deploy_all 1 2 3
    T_DEPLOY_END=$(mf_now_ms)
}
if [ ${#ERRS[@]} = 0 ]; then
    if ms=$(mf_wait_converged 60 1 2 3); then
        FIG_CONVERGE="$ms ms"
    else
        bad "not converged 60 s after the last wgdeploy: $MF_ERR"
    fi
fi
# The variant is what runs: every WireGuard endpoint on h1..h3 is of the underlay's family, and
# the chosen firewall forwards the WireGuard ports into the namespace, IPv4 and IPv6 (the other
# firewall is not running).
ENDPOINTS=0
for n in 1 2 3; do
    while read -r iface _ ep; do
        ENDPOINTS=$((ENDPOINTS + 1))
        [[ $ep =~ $UNDERLAY_RE ]] || bad "h$n: $iface's WireGuard endpoint '$ep' is not over $MF_UNDERLAY"
    done < <(ml_exec "h$n/$MF_LOCUS" -- wg show all endpoints)
    if [ "$FIREWALL" = nftables ]; then
        t=$(ml_exec "h$n" -- nft list table inet wgmesh 2>&1) || bad "h$n has no nftables table inet wgmesh: $t"
        grep -q 'dnat.*169\.254\.0\.2' <<<"$t" && grep -q 'dnat.*fdff:a9fe::2' <<<"$t" ||
            bad "h$n's table inet wgmesh does not DNAT into the namespace (IPv4 and IPv6)"
        ml_exec "h$n" -- shorewall status >/dev/null 2>&1 && bad "Shorewall runs on h$n, the firewall is nftables"
    else
        ml_exec "h$n" -- iptables -t nat -S | grep -q 'DNAT.*169\.254\.0\.2' &&
            ml_exec "h$n" -- ip6tables -t nat -S | grep -q 'DNAT.*fdff:a9fe::2' ||
            bad "h$n: Shorewall does not DNAT into the namespace (IPv4 and IPv6)"
        ml_exec "h$n" -- nft list table inet wgmesh >/dev/null 2>&1 && bad "h$n has an nftables table inet wgmesh, the firewall is Shorewall"
    fi
done
[ "$ENDPOINTS" = 6 ] || bad "$ENDPOINTS WireGuard endpoints on h1..h3, want 6"
# The router on the mesh (on by default): each router's own default namespace reaches the other
# hosts' LAN clients through its namespace, IPv4 and IPv6.
ROUTER_PINGS=0
for pr in 1:2 2:3 3:1; do
    a=${pr%:*} b=${pr#*:}
    for dst in "198.18.$b.100" "fd00:18:$b::100"; do
        if ml_exec "h$a" -- ping -n -q -c 2 -i 0.2 -W 2 "$dst" >/dev/null 2>&1; then
            ROUTER_PINGS=$((ROUTER_PINGS + 1))
        else
            bad "router h$a (its default namespace) does not reach $dst: $(ml_exec "h$a" -- ip route get "$dst" 2>&1)"
        fi
    done
done
verdict convergence "($VARIANT: $ENDPOINTS endpoints over $MF_UNDERLAY; routers reach $ROUTER_PINGS of 6 remote LAN clients) 3 hosts deployed in $(( ${T_DEPLOY_END:-$T0} - T0 )) ms; last wgdeploy -> all BGP Established, BFD Up, 6 LAN pairs x v4+v6 reachable: $FIG_CONVERGE"

# ---------------------------------------------------------------- 1b. no-op
# A second wgdeploy with nothing changed must change nothing: its dry run plans no file and no
# command, the real run reports none ("ran:" lines under -v), and BIRD's PID, the rendered files and
# the WireGuard state are as they were. Its duration is the "nothing to change" figure. The health
# check finds the converged mesh healthy (and changes nothing either).
log "no-op: wgdeploy again on h1..h3 with nothing changed"
BEFORE=$(snapshots 1 2 3)
NOOP_MAX=0
for n in 1 2 3; do
    mf_deploy "$n" --dry-run || bad "wgdeploy --dry-run on h$n failed (exit $?): $MF_ERR"
    [ "$MF_OUT" = "nothing to change" ] || bad "wgdeploy --dry-run on h$n plans changes: $(head -c 300 <<<"$MF_OUT")"
    t=$(mf_now_ms)
    mf_deploy "$n" -v || bad "wgdeploy on h$n failed (exit $?): $MF_ERR"
    t=$(( $(mf_now_ms) - t ))
    [ "$t" -gt "$NOOP_MAX" ] && NOOP_MAX=$t
    grep -qE '^(ran: |(added|changed|removed) /)' <<<"$MF_ERR" &&
        bad "wgdeploy on h$n changed something: $(grep -m3 -E '^(ran: |(added|changed|removed) /)' <<<"$MF_ERR" | tr '\n' ';')"
    mf_check "$n" || bad "wgdeploy --check on h$n exited $?: $(grep -E '^FAIL|^error' <<<"$MF_OUT"$'\n'"$MF_ERR" | tr '\n' ';')"
done
[ "$(snapshots 1 2 3)" = "$BEFORE" ] || bad "the running mesh changed after a no-op wgdeploy"
FIG_NOOP="$NOOP_MAX ms"
verdict no-op "dry run plans nothing, real run changes nothing (BIRD PID, files, WireGuard, BGP as before), --check exits 0; slowest of 3: $FIG_NOOP"

# ---------------------------------------------------------------- 1c. metrics
# A real node_exporter on h1 serves the textfile directory wgdeploy writes to (the check above and
# every deploy wrote there). Converged: every link up with BFD Up, BGP Established, a recent
# handshake, every check 1, the last deploy a success, and node_exporter read every file
# (node_textfile_scrape_error 0). promtool (Prometheus' checker) accepts every file as it is.
log "metrics: node_exporter on h1 serves wgdeploy's metrics files"
LINKS_OK=0
mf_exporter_start 1 || bad "$MF_ERR"
if [ ${#ERRS[@]} = 0 ]; then
    mf_check 1 >/dev/null || bad "wgdeploy --check on h1 exited $?"
    mf_scrape 1 || bad "scrape of h1 failed: $MF_ERR"
    [ "$(mf_metric node_textfile_scrape_error '')" = 0 ] || bad "node_exporter could not read a .prom file on h1"
    for l in wg2 wg3; do
        for m in wgmesh_link_up wgmesh_link_bfd_up wgmesh_link_bgp_established; do
            v=$(mf_metric "$m" "interface=\"$l\"")
            [ "$v" = 1 ] || bad "$m for $l is '$v', want 1"
        done
        age=$(mf_metric wgmesh_link_handshake_age_seconds "interface=\"$l\"")
        [ -n "$age" ] && [ "$age" -le 180 ] || bad "handshake age of $l is '$age', want at most 180 s"
        [ "$(mf_metric wgmesh_link_receive_bytes_total "interface=\"$l\"")" -gt 0 ] 2>/dev/null ||
            bad "no bytes received over $l"
        LINKS_OK=$((LINKS_OK + 1))
    done
    grep -E '^wgmesh_check_ok\{' <<<"$MF_OUT" | grep -qv ' 1$' && bad "a check is not 1: $(grep -E '^wgmesh_check_ok\{' <<<"$MF_OUT" | grep -v ' 1$' | tr '\n' ' ')"
    CHECKS_SCRAPED=$(grep -cE '^wgmesh_check_ok\{' <<<"$MF_OUT")
    [ "$CHECKS_SCRAPED" -ge 10 ] || bad "only $CHECKS_SCRAPED checks in the scrape"
    [ "$(mf_metric wgmesh_deploy_last_success '')" = 1 ] || bad "wgmesh_deploy_last_success is not 1"
    [ "$(mf_metric wgmesh_bgp_routes 'family="ipv4"')" -ge 2 ] 2>/dev/null || bad "fewer than 2 IPv4 routes learned by BGP"
    [ "$(mf_metric wgmesh_bgp_routes 'family="ipv6"')" -ge 2 ] 2>/dev/null || bad "fewer than 2 IPv6 routes learned by BGP"
    EXPIRES_IN=$(mf_metric wgmesh_mesh_record_expires_in_seconds '')
    [ "${EXPIRES_IN:-0}" -gt 0 ] || bad "wgmesh_mesh_record_expires_in_seconds is '$EXPIRES_IN'"
    PROM_FILES=0
    for n in 1 2 3; do
        for f in $(ml_exec "h$n" -- sh -c "ls $MF_TEXTFILE_DIR/wgmesh-*.prom"); do
            PROM_FILES=$((PROM_FILES + 1))
            out=$(ml_exec "h$n" -- cat "$f" | promtool check metrics 2>&1) || bad "promtool check metrics on h$n:$f: $out"
            [ -z "$out" ] || bad "promtool check metrics on h$n:$f: $out"
        done
    done
    [ "$PROM_FILES" = 6 ] || bad "$PROM_FILES metrics files on h1..h3, want 6 (check and deploy on each)"
fi
verdict metrics "scrape via node_exporter: $LINKS_OK links with BFD Up, BGP Established, handshake <= 180 s; ${CHECKS_SCRAPED:-0} checks all 1; record expires in ${EXPIRES_IN:-?} s; promtool check metrics clean on ${PROM_FILES:-0} files"

# ---------------------------------------------------------------- 1d. spoofed sources
# A compromised member (h1, root in its mesh namespace) sends pings to h2's LAN client with sources
# it does not own: h3's LAN and an Internet address, IPv4 and IPv6. h2's source validation (the
# nftables rule wgdeploy writes into its namespace) drops them: the client receives none, and the
# rule's counter on h2 grows. A source of h1's own LAN, sent the same way, arrives (the control).
# The failover check below proves relayed traffic still passes.
log "spoofed sources: h1 pings h2's LAN client as h3's LAN and as an Internet address"
echos() { # v4|v6: echo requests h2's LAN client has received
    if [ "$1" = v4 ]; then
        ml_exec h2-lan -- awk '$1 == "Icmp:" { if (!n) { for (i = 1; i <= NF; i++) k[$i] = i; n = 1 } else print $k["InEchos"] }' /proc/net/snmp
    else
        ml_exec h2-lan -- awk '$1 == "Icmp6InEchos" { print $2 }' /proc/net/snmp6
    fi
}
dropped() { ml_exec "h$1/$MF_LOCUS" -- nft list table inet wgmesh 2>/dev/null | awk '/fib saddr/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'; }
send_as() { # SOURCE DEST: 3 pings from h1's namespace with SOURCE (added to lo for the moment)
    local len=32 fam=-4
    [[ $1 == *:* ]] && len=128 fam=-6
    ml_exec "h1/$MF_LOCUS" -- ip addr add "$1/$len" dev lo || return 1
    ml_exec "h1/$MF_LOCUS" -- ping "$fam" -n -q -c 3 -i 0.2 -W 1 -I "$1" "$2" >/dev/null 2>&1
    ml_exec "h1/$MF_LOCUS" -- ip addr del "$1/$len" dev lo
}
SPOOF_SUMMARY=
D0=$(dropped 2)
[ -n "$D0" ] || bad "h2 has no source-validation rule in its namespace (nft list table inet wgmesh)"
for c in "v4 198.18.3.100 198.18.2.100 0" "v4 192.0.2.77 198.18.2.100 0" "v4 198.18.1.77 198.18.2.100 3" \
         "v6 fd00:18:3::100 fd00:18:2::100 0" "v6 2001:db8:77::77 fd00:18:2::100 0" "v6 fd00:18:1::77 fd00:18:2::100 3"; do
    set -- $c
    e0=$(echos "$1")
    send_as "$2" "$3" || bad "could not send as $2 from h1"
    sleep 0.3
    got=$(( $(echos "$1") - e0 ))
    if [ "$4" = 0 ]; then
        [ "$got" = 0 ] || bad "h2's LAN client received $got pings from h1 as $2 (spoofed), want 0"
    else
        [ "$got" -ge "$4" ] || bad "h2's LAN client received $got of $4 pings from h1 as $2 (its own LAN), the control"
    fi
    SPOOF_SUMMARY+="$2: $got; "
done
D1=$(dropped 2)
[ -n "$D0" ] && [ -n "$D1" ] && [ $((D1 - D0)) -ge 12 ] || bad "h2's source-validation counter went from '${D0}' to '${D1}', want at least 12 more"
verdict spoofed-sources "pings received by h2's LAN client from h1 as ${SPOOF_SUMMARY}h2's rule dropped $(( ${D1:-0} - ${D0:-0} ))"

# ---------------------------------------------------------------- 2. failover
log "failover: UDP h1<->h2 blocked under a 20 ms probe"
mf_probe_start f4 1 198.18.2.100 0.02 && mf_probe_start f6 1 fd00:18:2::100 0.02 || bad "probe did not start"
wait_replies f4 25 10 || bad "probe h1-lan -> h2-lan gets no replies before the cut"
[ "$(mf_route_dev 1 198.18.2.100)" = wg2 ] || bad "h1 does not route to h2's LAN over wg2 before the cut"
ml_block h1 h2
if ms_move=$(mf_wait_route 10 1 198.18.2.100 wg3); then :; else bad "h1's route to h2's LAN did not move to wg3"; fi
[ "$(mf_route_dev 1 fd00:18:2::100)" = wg3 ] || bad "h1's IPv6 route to h2's LAN is not via wg3"
# Traffic keeps flowing through h3: new replies while cut, and h3's counters grow.
rx_h3() { ml_exec h3/$MF_LOCUS -- wg show wg1 transfer | awk '{s += $2} END {print s + 0}'; }
r4=$(probe_replies f4); c3=$(rx_h3)
wait_replies f4 $((r4 + 50)) 10 || bad "no traffic h1-lan -> h2-lan while the link is cut"
[ "$(rx_h3)" -gt "$c3" ] || bad "h3 relayed nothing (its wg1 counters did not grow)"
mf_probe_stop f4; G4=$PROBE_GAP_MS; L4=$PROBE_LOST; N4=$PROBE_SENT
mf_probe_stop f6; G6=$PROBE_GAP_MS; L6=$PROBE_LOST
[ "$G4" -lt 1000 ] && [ "$G6" -lt 1000 ] || bad "loss window v4 $G4 ms / v6 $G6 ms, target under 1000 ms"
# Still cut (after the probes, so the check's JVM does not weigh on the loss window): the health
# check on h1 must fail and name wg2, not wg3.
mf_check 1
rc=$?
[ "$rc" = 12 ] || bad "wgdeploy --check on h1 exited $rc while wg2 is cut, want 12: $MF_ERR"
grep -q '^FAIL wg2 ' <<<"$MF_OUT" || bad "wgdeploy --check on h1 does not name wg2: $(tr '\n' ';' <<<"$MF_OUT")"
grep -q '^ok   wg3 ' <<<"$MF_OUT" || bad "wgdeploy --check on h1 does not find wg3 healthy: $(tr '\n' ';' <<<"$MF_OUT")"
CHECK_CUT=$(grep -m1 '^FAIL wg2 ' <<<"$MF_OUT")
# The scrape while cut: wg2's BFD down, wg3's up, and wg2's handshake age growing between two checks.
AGE1= AGE2=
if mf_scrape 1; then
    [ "$(mf_metric wgmesh_link_bfd_up 'interface="wg2"')" = 0 ] || bad "scrape while cut: wgmesh_link_bfd_up for wg2 is not 0"
    [ "$(mf_metric wgmesh_link_bfd_up 'interface="wg3"')" = 1 ] || bad "scrape while cut: wgmesh_link_bfd_up for wg3 is not 1"
    [ "$(mf_metric wgmesh_check_ok 'check="link.wg2"')" = 0 ] || bad "scrape while cut: check link.wg2 is not 0"
    AGE1=$(mf_metric wgmesh_link_handshake_age_seconds 'interface="wg2"')
    sleep 2
    mf_check 1 >/dev/null
    mf_scrape 1 || bad "second scrape while cut failed: $MF_ERR"
    AGE2=$(mf_metric wgmesh_link_handshake_age_seconds 'interface="wg2"')
    [ -n "$AGE1" ] && [ -n "$AGE2" ] && [ "$AGE2" -gt "$AGE1" ] || bad "wg2's handshake age did not grow while cut: '$AGE1' then '$AGE2'"
else
    bad "scrape while cut failed: $MF_ERR"
fi
ml_unblock h1 h2
if ms_back=$(mf_wait_route 60 1 198.18.2.100 wg2); then :; else bad "direct route h1 -> h2 not back 60 s after unblocking"; fi
mf_wait_converged 30 1 2 3 >/dev/null || bad "mesh not whole again after unblocking: $MF_ERR"
mf_check 1 || bad "wgdeploy --check on h1 exited $? after reconvergence: $(grep -E '^FAIL|^error' <<<"$MF_OUT"$'\n'"$MF_ERR" | tr '\n' ';')"
FIG_FAILOVER="BFD ${MF_BFD:-normal}: v4 $G4 ms ($L4 of $N4 lost), v6 $G6 ms ($L6 lost)"
verdict failover "route moved to wg3 in ${ms_move:-?} ms; loss window $FIG_FAILOVER; direct path back ${ms_back:-?} ms after unblock; --check while cut: '${CHECK_CUT:-?}' (exit 12), scraped wg2 BFD 0, handshake age ${AGE1:-?} -> ${AGE2:-?} s; after: exit 0"

# ---------------------------------------------------------------- 2b. failover under the other BFD profile
# The same cut with h1..h3 on the other profile (fast: 20 ms x 3 when the site's is normal), set in
# their endpoint files (wgconfig --bfd, then wgdeploy: BIRD reconfigured, not restarted): every
# session runs at the profile's interval, the loss window is measured, and the hosts go back to the
# site's profile (wgconfig --bfd site). So each e2e run reports the failover of both profiles.
OTHER=fast OTHER_IV=0.020 SITE_IV=0.100
[ "${MF_BFD:-normal}" = fast ] && OTHER=normal OTHER_IV=0.100 SITE_IV=0.020
log "failover with BFD $OTHER on h1..h3"
bfd_intervals_are() { # INTERVAL SECS: every BFD session of h1..h3 Up at INTERVAL (seconds, as birdc prints it)
    local end=$(( $(mf_now_ms) + $2 * 1000 )) n ok
    while :; do
        ok=1
        for n in 1 2 3; do
            mf_birdc "$n" show bfd sessions | awk -v iv="$1" '$2 ~ /^wg/ { n++; if ($3 == "Up" && $5 == iv) u++ } END { exit !(n == 2 && u == 2) }' || ok=0
        done
        [ "$ok" = 1 ] && return 0
        [ "$(mf_now_ms)" -lt "$end" ] || return 1
        sleep 0.2
    done
}
set_bfd() { # PROFILE|site on h1..h3, then deploy
    local n
    for n in 1 2 3; do
        mf__run "h$n" -- "$MF_BIN/wgconfig" --bfd "$1" "$MF_DOMAIN" || { bad "wgconfig --bfd $1 on h$n: $MF_ERR"; return 1; }
    done
    deploy_all 1 2 3
}
FIG_FAILOVER2=-
if set_bfd "$OTHER"; then
    bfd_intervals_are "$OTHER_IV" 10 || bad "h1..h3's BFD sessions do not all run at $OTHER_IV s: $(mf_birdc 1 show bfd sessions | tr '\n' ';')"
    mf_wait_converged 30 1 2 3 >/dev/null || bad "not converged on BFD $OTHER: $MF_ERR"
    mf_probe_start g4 1 198.18.2.100 0.02 && mf_probe_start g6 1 fd00:18:2::100 0.02 || bad "probe did not start"
    wait_replies g4 25 10 || bad "probe h1-lan -> h2-lan gets no replies before the cut"
    ml_block h1 h2
    ms_move2=$(mf_wait_route 10 1 198.18.2.100 wg3) || bad "h1's route to h2's LAN did not move to wg3 (BFD $OTHER)"
    r4=$(probe_replies g4)
    wait_replies g4 $((r4 + 50)) 10 || bad "no traffic h1-lan -> h2-lan while the link is cut (BFD $OTHER)"
    mf_probe_stop g4; G4b=$PROBE_GAP_MS; L4b=$PROBE_LOST; N4b=$PROBE_SENT
    mf_probe_stop g6; G6b=$PROBE_GAP_MS; L6b=$PROBE_LOST
    [ "$G4b" -lt 1000 ] && [ "$G6b" -lt 1000 ] || bad "loss window v4 $G4b ms / v6 $G6b ms (BFD $OTHER), target under 1000 ms"
    ml_unblock h1 h2
    mf_wait_route 60 1 198.18.2.100 wg2 >/dev/null || bad "direct route h1 -> h2 not back 60 s after unblocking (BFD $OTHER)"
    FIG_FAILOVER2="BFD $OTHER: v4 $G4b ms ($L4b of $N4b lost), v6 $G6b ms ($L6b lost)"
fi
set_bfd site && { bfd_intervals_are "$SITE_IV" 10 || bad "h1..h3's BFD sessions are not back at $SITE_IV s"; }
mf_wait_converged 30 1 2 3 >/dev/null || bad "mesh not whole again after the profile switch: $MF_ERR"
verdict failover-bfd "route moved to wg3 in ${ms_move2:-?} ms; loss window $FIG_FAILOVER2; sessions at $OTHER_IV s, then back at $SITE_IV s (the site's profile)"

# ---------------------------------------------------------------- 3. join
log "join: h4 enrols, is admitted and deployed under 50 ms probes h1-lan -> h2-lan -> h3-lan -> h1-lan"
mf_txt_get "$MF_DOMAIN" >"$(ml__state)/replay-mesh.txt"    # an older mesh record, for scenario 5
[ -s "$(ml__state)/replay-mesh.txt" ] || bad "could not save the mesh record"
# Every pair of existing hosts, IPv4 and IPv6 (ping is a round trip: both directions are covered).
JOIN_PROBES="1:2 2:3 3:1"
for pr in $JOIN_PROBES; do
    a=${pr%:*} b=${pr#*:}
    mf_probe_start "j$a$b-4" "$a" "198.18.$b.100" 0.05 && mf_probe_start "j$a$b-6" "$a" "fd00:18:$b::100" 0.05 ||
        bad "probe h$a-lan -> h$b-lan did not start"
done
for pr in $JOIN_PROBES; do wait_replies "j${pr/:/}-4" 5 10 || bad "probe h${pr%:*}-lan -> h${pr#*:}-lan gets no replies before the join"; done
TJ=$(mf_now_ms)
mf_enrol 4 || bad "enrol h4: $MF_ERR"
mf_admit 4 || bad "wgsite -i h4: $MF_ERR"
mf_publish || bad "wgpub: $MF_ERR"
deploy_all 1 2 3 4
if ms=$(mf_wait_converged 60 1 2 3 4); then J_MS=$(( $(mf_now_ms) - TJ )); else bad "4 hosts not converged: $MF_ERR"; J_MS=-; fi
JL=0 JN=0 JG=0 JPROBES=0
for pr in $JOIN_PROBES; do
    for f in 4 6; do
        mf_probe_stop "j${pr/:/}-$f"
        JPROBES=$((JPROBES + 1)); JL=$((JL + PROBE_LOST)); JN=$((JN + PROBE_SENT))
        [ "$PROBE_GAP_MS" -gt "$JG" ] && JG=$PROBE_GAP_MS
        [ "$PROBE_LOST" = 0 ] || bad "IPv$f probe h${pr%:*}-lan -> h${pr#*:}-lan lost $PROBE_LOST of $PROBE_SENT during the join"
        [ "$PROBE_SENT" -gt 20 ] || bad "IPv$f probe h${pr%:*}-lan -> h${pr#*:}-lan sent only $PROBE_SENT requests"
    done
done
FIG_JOIN="$JL of $JN probes lost ($JPROBES probes: 3 pairs x v4+v6)"
verdict join "enrol -> 4 hosts converged in $J_MS ms; $FIG_JOIN; longest reply gap $JG ms"

# ---------------------------------------------------------------- 4. removal
log "removal of h4"
mf_remove 4 || bad "wgsite --remove h4: $MF_ERR"
mf_publish || bad "wgpub: $MF_ERR"
deploy_all 1 2 3
for n in 1 2 3; do
    ml_exec "h$n/$MF_LOCUS" -- ip link show wg4 >/dev/null 2>&1 && bad "h$n still has interface wg4"
    mf_bgp_list "$n" | grep -q '^wg4 ' && bad "h$n still has BGP session wg4"
    ml_exec "h$n/$MF_LOCUS" -- sh -c 'ip -4 route; ip -6 route' | grep -qE '198\.18\.4\.|fd00:18:4:' && bad "h$n still routes to h4's LAN"
    ml_exec "h$n" -- ls "/etc/wireguard/$MF_LOCUS/wg4.conf" >/dev/null 2>&1 && bad "h$n still has wg4.conf"
done
mf_wait_converged 30 1 2 3 >/dev/null || bad "h1..h3 not intact: $MF_ERR"
mf__run h4 -- "$MF_BIN/wgdeploy" --down "$MF_DOMAIN" || bad "wgdeploy --down on h4: $MF_ERR"
ml_exec h4 -- ip -br addr show lan0 2>/dev/null | grep -q '198.18.4.1/24' || bad "h4's lan0 not back in its default namespace"
verdict removal "h1..h3: no wg4 interface, BGP session or route to h4; mesh intact; h4 torn down by wgdeploy --down"

# ---------------------------------------------------------------- 4b. cache mix
# Endpoints read through a caching resolver (unbound, a stub zone to Knot). A LAN moves from h2 to
# h1 in the site file: wgpub rewrites the two host records, not the mesh record. The cache is made
# to hold the new h1 and the old h2 (flush_type h1 TXT): a view in which both claim the LAN, which
# the site never published. wgdeploy on h3 must refuse it (exit 5, the stale cache and when to
# retry named) and change nothing; the run after the TTL (20 s in this scenario) converges.
log "cache mix: endpoints read through unbound; a LAN moves h2 -> h1 and the cache refreshes only h1"
SITE_FILE="$(mf__site)/wgmesh.yaml"
MIX_TTL=20 MIX_RETRY=- MIX_WAIT=- MIX_REFUSAL=
sed -i "s/^ttl: .*/ttl: $MIX_TTL/" "$SITE_FILE"
grep -q "^ttl: $MIX_TTL\$" "$SITE_FILE" || bad "could not set ttl: $MIX_TTL in the site file"
mf_publish || bad "wgpub (ttl $MIX_TTL): $MF_ERR"
cp -p "$SITE_FILE" "$(ml__state)/site-before-mix.yaml"
ml_unbound_start "$MF_ZONE" >/dev/null 2>&1 || bad "unbound did not start: $(tail -n 3 "$(ml__state)/logs/unbound.log" 2>/dev/null)"
UNBOUND=$ML_UNBOUND_V4
[ "$MF_UNDERLAY" = ipv6 ] && UNBOUND=$ML_UNBOUND_V6
MF_DEPLOY_RESOLVER=$UNBOUND:53
[ "$MF_UNDERLAY" = ipv6 ] && MF_DEPLOY_RESOLVER="[$UNBOUND]:53"
if [ ${#ERRS[@]} = 0 ]; then
    mf_deploy 3 || bad "wgdeploy on h3 through unbound failed (exit $?): $MF_ERR"
    BEFORE=$(snapshots 3)
    # h2's record freshly cached (a full TTL), then the move published.
    ml_unbound_control flush_type "h2.$MF_DOMAIN" TXT >/dev/null
    ml_exec h3 -- kdig @"$UNBOUND" +short "h2.$MF_DOMAIN" TXT >/dev/null
    sed -i '/^  - 198\.18\.2\.0\/24$/d; s/^  - 198\.18\.1\.0\/24$/&\n  - 198.18.2.0\/24/' "$SITE_FILE"
    [ "$(grep -c '^  - 198\.18\.2\.0/24$' "$SITE_FILE")" = 1 ] || bad "could not move 198.18.2.0/24 in the site file"
    mf_publish || bad "wgpub (LAN moved): $MF_ERR"
    ml_unbound_control flush_type "h1.$MF_DOMAIN" TXT >/dev/null || bad "unbound-control flush_type failed"
    mf_deploy 3
    rc=$?
    MIX_REFUSAL=$(grep -m1 '^error: ' <<<"$MF_ERR")
    [ "$rc" = 5 ] || bad "wgdeploy on h3 with the mixed cache exited $rc, want 5: $MF_ERR"
    grep -q 'do not form one publication' <<<"$MF_ERR" || bad "the refusal does not name the mix: $MF_ERR"
    MIX_RETRY=$(grep -m1 '^hint: ' <<<"$MF_ERR" | sed -n 's/.*retry in \([0-9]*\) s.*/\1/p')
    [ -n "$MIX_RETRY" ] && [ "$MIX_RETRY" -le "$MIX_TTL" ] || bad "the hint gives no retry time within the TTL: $MF_ERR"
    [ "$(snapshots 3)" = "$BEFORE" ] || bad "the refused mix changed h3's running mesh"
    # After the TTL the cache serves the new h2 too: the next run converges.
    sleep $(( ${MIX_RETRY:-$MIX_TTL} + 1 ))
    MIX_WAIT=$(( ${MIX_RETRY:-$MIX_TTL} + 1 ))
    mf_deploy 3 || bad "wgdeploy on h3 after the TTL exited $?: $MF_ERR"
    # Back as it was: the site file restored, the cache flushed (flush_zone: flush NAME keeps TXT).
    cp -p "$(ml__state)/site-before-mix.yaml" "$SITE_FILE"
    mf_publish || bad "wgpub (restore): $MF_ERR"
    ml_unbound_control flush_zone "$MF_DOMAIN" >/dev/null || bad "unbound-control flush_zone failed"
    deploy_all 1 2 3
    mf_wait_converged 30 1 2 3 >/dev/null || bad "mesh not whole again after the cache mix: $MF_ERR"
fi
unset MF_DEPLOY_RESOLVER
ml_unbound_stop
verdict cache-mix "through unbound: new h1 + old h2 refused with exit 5 ('${MIX_REFUSAL#error: }'), h3 unchanged; hint: retry in ${MIX_RETRY} s; converged ${MIX_WAIT} s later; restored, h1..h3 through the flushed cache"

# ---------------------------------------------------------------- 5. bad records
log "bad records: tampered host record, replayed mesh record"
BEFORE=$(snapshots 1 2 3)
LAST_REFUSAL=
VERIFY_PROM="$(mf__site)/verify.prom"
mf_verify --metrics-file "$VERIFY_PROM" || bad "wgpub --verify before the tamper exited $?: $MF_ERR"
VERIFY_OK=$(tail -n 1 <<<"$MF_OUT")
mf_tamper "h2.$MF_DOMAIN" || bad "could not tamper with h2's record: $MF_ERR"
mf_verify --metrics-file "$VERIFY_PROM"
rc=$?
[ "$rc" = 5 ] || bad "wgpub --verify after the tamper exited $rc, want 5"
VERIFY_BAD=$(grep -m1 "^h2\.$MF_DOMAIN" <<<"$MF_OUT"$'\n'"$MF_ERR") || bad "wgpub --verify does not name h2.$MF_DOMAIN: $MF_OUT $MF_ERR"
out=$(promtool check metrics <"$VERIFY_PROM" 2>&1) && [ -z "$out" ] || bad "promtool check metrics on wgpub's file: $out"
grep -q '^wgmesh_publish_verify_ok{domain="'"$MF_DOMAIN"'"} 0$' "$VERIFY_PROM" || bad "wgpub's metrics file does not say verify_ok 0"
deploy_refused 5 1 2 3
R1=$LAST_REFUSAL
[ "$(snapshots 1 2 3)" = "$BEFORE" ] || bad "the running mesh changed after the tampered record"
mf_publish || bad "wgpub (restore): $MF_ERR"
LAST_REFUSAL=
mf_txt_put "$MF_DOMAIN" "$(ml__state)/replay-mesh.txt" >/dev/null || bad "could not write the old mesh record"
deploy_refused 5 1 2 3
R2=$LAST_REFUSAL
[ "$(snapshots 1 2 3)" = "$BEFORE" ] || bad "the running mesh changed after the replayed record"
mf_wait_converged 10 1 2 3 >/dev/null || bad "mesh not intact (sessions, reachability): $MF_ERR"
mf_publish || bad "wgpub (restore): $MF_ERR"
mf_deploy 1 || bad "wgdeploy after the restore: $MF_ERR"
mf_verify || bad "wgpub --verify after the restore exited $?: $MF_ERR"
verdict bad-records "exit 5 on h1..h3 for both, mesh unchanged; tampered: '${R1#error: }'; replay: '${R2#error: }'; wgpub --verify: '${VERIFY_OK:-?}', after the tamper exit 5: '${VERIFY_BAD:-?}'"

# ---------------------------------------------------------------- 6. DNS outage
log "DNS outage: Knot stopped"
BEFORE=$(snapshots 1 2 3)
LAST_REFUSAL=
ml_knot_stop
TD=$(mf_now_ms)
deploy_refused 6 1 2 3
TD=$(( ($(mf_now_ms) - TD) / 3 ))
[ "$(snapshots 1 2 3)" = "$BEFORE" ] || bad "the running mesh changed during the DNS outage"
mf_wait_converged 10 1 2 3 >/dev/null || bad "mesh not intact (sessions, reachability): $MF_ERR"
verdict dns-outage "exit 6 on h1..h3 (about $TD ms each), mesh unchanged: '${LAST_REFUSAL#error: }'"

# ---------------------------------------------------------------- teardown
teardown_verdict

WALL=$(( ($(mf_now_ms) - T_START) / 1000 ))
echo "figures: convergence $FIG_CONVERGE; no-op wgdeploy $FIG_NOOP; failover loss window $FIG_FAILOVER; $FIG_FAILOVER2; join $FIG_JOIN; e2e wall time ${WALL} s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
