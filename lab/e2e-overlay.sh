#!/bin/bash
# e2e-overlay.sh: the end-to-end proof of the mesh address and the VXLAN overlay (issue 25,
# docs/e2e.md "VXLAN overlay"). Run as root.
#
#   lab/e2e-overlay.sh [-p PREFIX] [--keep]
#
# Three hosts form a full mesh (Knot, wgsite, wgpub, wgdeploy as in lab/e2e.sh). Every host's mesh
# address P:0:1::n (on its namespace's loopback, announced by BGP) answers from every other host's.
# Then the site file gets `overlay: vxlan:` (a bad value first: refused with its key and line,
# nothing changed), `wgsite` validates, `wgpub` publishes, `wgdeploy --dry-run` shows the device and
# changes nothing, and the deploy makes it: `arping` between the hosts' overlay IPv4 addresses
# answers, an IPv6 ping over the overlay too, each device has one fdb entry per peer and the MTU
# docs/deploy.md gives (1400 - 70 = 1330), and a second deploy changes nothing. Last the option
# is removed, published and deployed: the device is gone and `arping` gets no answer.
# Checks: mesh, mesh-address, overlay-on, overlay, overlay-off, teardown.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ML_PREFIX=wgeovl
SCENARIO=e2e-overlay
# shellcheck source=scenario.sh
. "$HERE/scenario.sh" "$@"
command -v arping >/dev/null || { echo "e2e-overlay: arping missing (scripts/setup-debian.sh installs iputils-arping)" >&2; exit 2; }

HOSTS="1 2 3"
NS=$MF_LOCUS
DEV=vxmesh           # OverlayPlan.DEVICE
VNI=4242
PORT=4789
V4NET=198.51.100     # overlay.vxlan.ipv4: 198.51.100.0/24, host n has .n
MTU=1330             # docs/deploy.md: 1400 (the smallest link MTU a site without `mtu` has) - 70
SITE=
P=                   # the tunnel prefix without its "::/48"

# Host N's mesh address and its IPv6 overlay address (P:0:1::n and P:0:3::n, n in hex).
mesh_address() { printf '%s:0:1::%x' "$P" "$1"; }
overlay6() { printf '%s:0:3::%x' "$P" "$1"; }
# Runs CMD in host N's mesh namespace.
in_ns() { local n=$1; shift; ml_exec "h$n/$NS" -- "$@"; }
# Pings host B's mesh address from host A's, retrying for up to SECS (BGP may still converge).
mesh_ping() { # A B SECS
    local end=$(( $(mf_now_ms) + $3 * 1000 ))
    until in_ns "$1" ping -6 -n -c 1 -W 1 -I "$(mesh_address "$1")" "$(mesh_address "$2")" >/dev/null 2>&1; do
        [ "$(mf_now_ms)" -lt "$end" ] || return 1
        sleep 0.2
    done
}
# arping from host A's overlay device to host B's overlay IPv4 address: COUNT requests, exit 0 when
# at least one got its answer (iputils arping).
overlay_arping() { # A B COUNT
    in_ns "$1" arping -c "$3" -w "$(($3 + 2))" -I "$DEV" "$V4NET.$2"
}

# ---------------------------------------------------------------- 1. mesh
log "lab up (3 hosts), Knot, the site, three hosts admitted and deployed"
LAB_UP=1
if ! ml_up -n 3 >/dev/null || ! ml_knot_start "$MF_ZONE" >/dev/null 2>&1; then
    bad "lab did not come up"; verdict mesh ""; echo "$PASSED passed, $((FAILED + 5)) failed"; exit 1
fi
SITE=$(mf__site)/wgmesh.yaml
CONV=-
if mf_site_init; then
    P=$(awk '$1 == "tunnel-prefix:" {print $2}' "$SITE")
    P=${P%::/48}
    for n in $HOSTS; do mf_enrol "$n" || bad "enrol h$n: $MF_ERR"; done
    # shellcheck disable=SC2086
    mf_admit $HOSTS || bad "wgsite -i: $MF_ERR"
    mf_publish || bad "wgpub: $MF_ERR"
    # shellcheck disable=SC2086
    deploy_all $HOSTS
    # shellcheck disable=SC2086
    CONV=$(mf_wait_converged 60 $HOSTS) || bad "not converged: $MF_ERR"
else
    bad "site init: $MF_ERR"
fi
verdict mesh "3 hosts, converged in ${CONV:-?} ms, tunnel prefix $P::/48"

# ---------------------------------------------------------------- 2. mesh-address
log "mesh address: on every namespace's lo, announced by BGP, reachable from every other host's"
PAIRS=0
for a in $HOSTS; do
    lo=$(in_ns "$a" ip -6 -o addr show dev lo | awk '{print $4}')
    grep -qx "$(mesh_address "$a")/128" <<<"$lo" || bad "h$a: lo has no $(mesh_address "$a")/128: $(tr '\n' ' ' <<<"$lo")"
    for b in $HOSTS; do
        [ "$a" = "$b" ] && continue
        route=$(in_ns "$a" ip -6 route show "$(mesh_address "$b")/128")
        grep -q "proto bird" <<<"$route" || bad "h$a: no BGP route to h$b's mesh address: '$route'"
        if mesh_ping "$a" "$b" 15; then PAIRS=$((PAIRS + 1)); else bad "h$a's mesh address does not reach h$b's"; fi
    done
done
verdict mesh-address "$PAIRS of 6 ordered pairs answer ping between mesh addresses (P:0:1::n, BGP routes from bird)"

# ---------------------------------------------------------------- 3. overlay-on
log "overlay on: a bad VNI refused, then overlay: vxlan: validated, published, dry run, deployed"
cp "$SITE" "$SITE.before-overlay"
SUM=$(sha256sum "$SITE")
printf 'overlay:\n  vxlan:\n    vni: 16777216\n' >>"$SITE"
BADSUM=$(sha256sum "$SITE")
mf__run site -- "$MF_BIN/wgsite" "$SITE"
rc=$?
[ "$rc" = 3 ] || bad "wgsite with vni 16777216 exited $rc, want 3: $MF_ERR"
grep -q "Property 'overlay.vxlan.vni' at line [0-9]*: 16777216 is out of range 1..16777215" <<<"$MF_ERR" ||
    bad "the error does not name overlay.vxlan.vni and its line: $MF_ERR"
[ "$BADSUM" = "$(sha256sum "$SITE")" ] || bad "the refused site file was changed"
REFUSAL=$(grep -m1 '^error:' <<<"$MF_ERR" | sed 's|^error: [^:]*: ||')
cp "$SITE.before-overlay" "$SITE"
[ "$SUM" = "$(sha256sum "$SITE")" ] || bad "the site file was not put back"
printf 'overlay:\n  vxlan:\n    vni: %s\n    port: %s\n    ipv4: %s.0/24\n    ipv6: default\n' "$VNI" "$PORT" "$V4NET" >>"$SITE"
mf__run site -- "$MF_BIN/wgsite" "$SITE" || bad "wgsite does not accept the overlay: $MF_ERR"
mf_publish || bad "wgpub with the overlay: $MF_ERR"
mf_verify >/dev/null || bad "wgpub --verify with the overlay: $MF_OUT $MF_ERR"
# The dry run shows the device and makes nothing.
if mf_deploy 1 --dry-run; then
    grep -q "create overlay $DEV (VXLAN $VNI, port $PORT)" <<<"$MF_OUT$MF_ERR" ||
        bad "wgdeploy --dry-run does not show the overlay device: $MF_OUT"
    in_ns 1 ip link show "$DEV" >/dev/null 2>&1 && bad "wgdeploy --dry-run made $DEV"
else
    bad "wgdeploy --dry-run exited $?: $MF_ERR"
fi
# shellcheck disable=SC2086
deploy_all $HOSTS
for n in $HOSTS; do
    # Output read whole, then matched: with pipefail, grep -q closing a pipe early fails it.
    dev=$(in_ns "$n" ip -d link show "$DEV" 2>&1)
    grep -q "vxlan id $VNI local $(mesh_address "$n") .*dstport $PORT" <<<"$dev" ||
        bad "h$n: $DEV is not VXLAN $VNI from $(mesh_address "$n") port $PORT: $(tr '\n' ' ' <<<"$dev")"
done
verdict overlay-on "bad VNI refused (exit $rc: $REFUSAL), site unchanged; overlay published, dry run shows it, deployed on 3 hosts"

# ---------------------------------------------------------------- 4. overlay
log "overlay: arping and IPv6 ping between overlay addresses, fdb one entry per peer, MTU, idempotent redeploy"
ARP=0
for pr in 1:2 2:3 3:1; do
    a=${pr%:*} b=${pr#*:}
    if out=$(overlay_arping "$a" "$b" 3 2>&1) && grep -q "Received [1-9]" <<<"$out"; then
        ARP=$((ARP + 1))
    else
        bad "arping h$a -> $V4NET.$b over $DEV: $(tr '\n' ' ' <<<"$out")"
    fi
    in_ns "$a" ping -6 -n -c 2 -W 2 -I "$DEV" "$(overlay6 "$b")" >/dev/null 2>&1 ||
        bad "IPv6 ping h$a -> $(overlay6 "$b") over $DEV gets no answer"
done
FDB=
for n in $HOSTS; do
    want=$(for p in $HOSTS; do [ "$p" = "$n" ] || mesh_address "$p"; echo; done | grep . | sort | tr '\n' ' ')
    have=$(in_ns "$n" bridge fdb show dev "$DEV" | awk '$1 == "00:00:00:00:00:00" {print $3}' | sort | tr '\n' ' ')
    [ "$have" = "$want" ] || bad "h$n: fdb of $DEV is '$have', want one entry per peer '$want'"
    FDB+="h$n:$(wc -w <<<"$have") "
    mtu=$(in_ns "$n" cat "/sys/class/net/$DEV/mtu")
    [ "$mtu" = "$MTU" ] || bad "h$n: $DEV has MTU $mtu, want $MTU"
done
# The VXLAN port takes packets only over WireGuard from mesh addresses (the guard table).
guard=$(in_ns 1 nft list table inet wgmesh_overlay 2>&1)
grep -q "udp dport $PORT counter" <<<"$guard" || bad "h1: no guard table for the VXLAN port: $guard"
# A LAN client of h1 sends UDP to h1's mesh address at the VXLAN port: the guard drops it (its
# counter), while the overlay's own packets (over WireGuard, from mesh addresses) passed above.
ml_exec h1-lan -- bash -c "for i in 1 2 3; do echo inject >/dev/udp/$(mesh_address 1)/$PORT; done" 2>/dev/null
sleep 0.3
DROPPED=$(in_ns 1 nft list table inet wgmesh_overlay 2>/dev/null | awk '/udp dport '"$PORT"' counter/ {for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1)}')
[ "${DROPPED:-0}" -ge 3 ] || bad "h1: the guard counted ${DROPPED:-no} dropped packets from the LAN, want 3 or more"
# wgdeploy --check is healthy with the overlay and has a line for it.
mf_check 1 >/dev/null || bad "wgdeploy --check on h1 with the overlay exited $?: $(grep -E '^FAIL|^error' <<<"$MF_OUT"$'\n'"$MF_ERR" | tr '\n' ';')"
grep -q "^ok   overlay $DEV: up, VXLAN $VNI port $PORT, MTU $MTU, replicating to 2 peers" <<<"$MF_OUT" ||
    bad "wgdeploy --check on h1 has no healthy overlay line: $(grep overlay <<<"$MF_OUT")"
# A replication entry deleted by hand: --check fails naming the peer's mesh address, and the
# next deploy puts it back.
in_ns 1 bridge fdb del 00:00:00:00:00:00 dev "$DEV" dst "$(mesh_address 3)" || bad "h1: could not delete the fdb entry to h3"
if mf_check 1 >/dev/null; then
    bad "wgdeploy --check on h1 is healthy with an fdb entry of $DEV gone"
else
    grep -q "^FAIL overlay $DEV: no replication to $(mesh_address 3)" <<<"$MF_OUT" ||
        bad "wgdeploy --check does not name the lost entry: $(grep overlay <<<"$MF_OUT")"
fi
CHECKED=$(grep "^FAIL overlay" <<<"$MF_OUT" | sed 's/^FAIL //')
mf_deploy 1 || bad "wgdeploy on h1 after the fdb entry went: $MF_ERR"
mf_check 1 >/dev/null || bad "wgdeploy --check on h1 after the redeploy: $(grep -E '^FAIL' <<<"$MF_OUT" | tr '\n' ';')"
# A second deploy changes nothing (-v lists every step it runs).
mf_deploy 2 -v || bad "second wgdeploy on h2: $MF_ERR"
grep -q "step: .*\(overlay\|$DEV\|mesh address\)" <<<"$MF_ERR" &&
    bad "the second deploy on h2 ran: $(grep 'step: ' <<<"$MF_ERR" | tr '\n' ' ')"
verdict overlay "arping answered $ARP of 3 pairs, IPv6 ping over $DEV, fdb entries per host $FDB(one per peer), MTU $MTU, guard dropped ${DROPPED:-0} LAN packets to the VXLAN port, --check healthy; an fdb entry deleted: '${CHECKED:-?}', put back by wgdeploy; redeploy changes nothing"

# ---------------------------------------------------------------- 5. overlay-off
log "overlay off: the section removed, published, deployed"
cp "$SITE.before-overlay" "$SITE"
mf__run site -- "$MF_BIN/wgsite" "$SITE" || bad "wgsite without the overlay: $MF_ERR"
mf_publish || bad "wgpub without the overlay: $MF_ERR"
mf_deploy 1 -v || bad "wgdeploy on h1 without the overlay: $MF_ERR"
grep -q "step: remove overlay $DEV" <<<"$MF_ERR" || bad "the deploy on h1 did not say 'remove overlay $DEV': $MF_ERR"
deploy_all 2 3
for n in $HOSTS; do
    in_ns "$n" ip link show "$DEV" >/dev/null 2>&1 && bad "h$n: $DEV is still there"
    in_ns "$n" nft list table inet wgmesh_overlay >/dev/null 2>&1 && bad "h$n: the guard table is still there"
done
overlay_arping 1 2 2 >/dev/null 2>&1 && bad "arping h1 -> $V4NET.2 still answered without the overlay"
# The mesh addresses stay (they are not the overlay's).
mesh_ping 1 3 5 || bad "h1's mesh address no longer reaches h3's"
verdict overlay-off "$DEV and its guard gone on 3 hosts, arping gets no answer, mesh addresses still reachable"

teardown_verdict
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
