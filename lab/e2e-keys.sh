#!/bin/bash
# e2e-keys.sh: the end-to-end proof of keys over time (docs/e2e.md, "Keys over time"). Run as root.
#
#   lab/e2e-keys.sh [-p PREFIX] [--keep]
#
# Three simulated hosts under continuous 20 ms probes between every pair of LANs (IPv4 and IPv6).
# The site publishes to a zone file that the endpoints read (wgconfig --zone-file): no DNS server,
# so that time can be moved on. Time is an input: once it is moved, the commands run under
# libfaketime (Debian's faketime) with one offset for all, moved forward when a rotation is due;
# WireGuard, BIRD and the probes keep the real clock. In order: a host-key rotation (first, on the
# real clock: its switch is timed to the millisecond, and libfaketime stretches every sleep and
# process start; the site schedules the switch, the deploys start apart, every end switches at
# that time), a scheduled group-key rotation, a site-key roll (announce, overlap, switch), each
# while traffic flows, its loss reported and
# `wgdeploy --check` healthy after it; then bad input: a rotation blob endorsed by the wrong key, a replayed
# pre-rotation publication and another site's record announcing a key, each refused with nothing
# changed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ML_PREFIX=wgkeys
SCENARIO=e2e-keys
# shellcheck source=scenario.sh
. "$HERE/scenario.sh" "$@"
command -v faketime >/dev/null || { echo "e2e-keys: faketime missing (scripts/setup-debian.sh installs it)" >&2; exit 2; }

HOSTS="1 2 3"
DAY=86400
OFFSET=0                 # seconds the commands' clock is ahead of the real one
SITE=                    # the site file
ZONE=                    # the zone file wgpub writes and the endpoints read

# Runs a wgmesh command in TARGET with the commands' clock (monotonic time stays real, as the JVM
# needs). Output in MF_OUT, MF_ERR.
at() { # TARGET CMD...
    local t=$1
    shift
    if [ "$OFFSET" = 0 ]; then
        mf__run "$t" -- "$@"
    else
        mf__run "$t" -- env FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "+${OFFSET}s" "$@"
    fi
}
pub() { at site "$MF_BIN/wgpub" "$SITE"; }
deploy() { at "h$1" "$MF_BIN/wgdeploy" --supervisor direct "${@:2}" "$MF_DOMAIN"; }
deploy_all_hosts() { local n; for n in $HOSTS; do deploy "$n" || bad "wgdeploy on h$n failed (exit $?): $MF_ERR"; done; }
# wgdeploy --check runs on the real clock: it compares WireGuard's handshake times, which are real.
healthy_all() { local n; for n in $HOSTS; do mf_check "$n" >/dev/null || bad "wgdeploy --check on h$n exited $?: $(grep -E '^FAIL|^error' <<<"$MF_OUT"$'\n'"$MF_ERR" | tr '\n' ';')"; done; }
seen_of() { ml_exec "h$1" -- cat "/var/lib/wgmesh/$MF_DOMAIN.seen" 2>/dev/null; }
# The site's current group-key epoch (its publication state).
epoch() { awk '$1 == "group-key" {print $2}' "${SITE%.yaml}.publish-state"; }
# The site reads its publication back as the endpoints do.
verified() { at site "$MF_BIN/wgpub" --verify "$SITE" || bad "wgpub --verify after $1 exited $?: $MF_OUT $MF_ERR"; }

# Probes between every pair of LANs, both families: started before a phase, stopped after it.
PAIRS="1:2 2:3 3:1"
probes_start() {
    local pr a b
    for pr in $PAIRS; do
        a=${pr%:*} b=${pr#*:}
        mf_probe_start "k$a$b-4" "$a" "198.18.$b.100" 0.02 && mf_probe_start "k$a$b-6" "$a" "fd00:18:$b::100" 0.02 ||
            bad "probe h$a-lan -> h$b-lan did not start"
    done
    for pr in $PAIRS; do wait_replies "k${pr/:/}-4" 25 10 || bad "probe h${pr%:*}-lan -> h${pr#*:}-lan gets no replies"; done
}
# Stops the probes; LOSS and GAP: what they lost and the longest reply gap of all.
probes_stop() {
    local pr f
    LOSS=0 SENT=0 GAP=0
    for pr in $PAIRS; do
        for f in 4 6; do
            mf_probe_stop "k${pr/:/}-$f"
            LOSS=$((LOSS + PROBE_LOST)) SENT=$((SENT + PROBE_SENT))
            [ "$PROBE_GAP_MS" -gt "$GAP" ] && GAP=$PROBE_GAP_MS
        done
    done
}

# Ends a phase that must lose nothing (WHAT names it): converged, probes stopped, no probe lost,
# --check healthy, the publication verified; FIG: its loss figure.
end_lossless() { # WHAT
    mf_wait_converged 30 $HOSTS >/dev/null || bad "not converged after the $1: $MF_ERR"
    probes_stop
    [ "$LOSS" = 0 ] || bad "the $1 lost $LOSS of $SENT probes"
    healthy_all
    FIG="$LOSS of $SENT lost, longest gap $GAP ms"
    verified "the $1"
}

# ---------------------------------------------------------------- 1. start
log "lab up (3 hosts); site publishing to a zone file the endpoints read"
LAB_UP=1
if ! ml_up -n 3 >/dev/null; then
    bad "lab did not come up"; verdict start ""; echo "$PASSED passed, $((FAILED + 6)) failed"; exit 1
fi
D=$(mf__site)
mkdir -p "$D" && chmod 0700 "$D"
SITE=$D/wgmesh.yaml
ZONE=$(ml__state)/mesh.zone
{
    at site "$MF_BIN/wgsite" --domain "$MF_DOMAIN" --locus "$MF_LOCUS" --publish "zonefile:$ZONE" "$SITE" || bad "wgsite: $MF_ERR"
    MF_FP=$(awk '$1 == "fingerprint:" {print $2}' <<<"$MF_OUT")
    # Short lifetimes, so that a simulated day makes the group key due.
    # A host key switch 30 s after its publication (the deploys here start within 10 s of it).
    sed -i '/^record-lifetime:/d; /^group-key-max-age:/d; /^key-switch-delay:/d' "$SITE"
    printf 'record-lifetime: 2d\ngroup-key-max-age: 1d\nkey-switch-delay: 30s\n' >>"$SITE"
    at site "$MF_BIN/wgsite" "$SITE" >/dev/null || bad "wgsite rejects the lifetimes: $MF_ERR"
    pub || bad "wgpub: $MF_ERR"
    chmod 0644 "$ZONE"
    for n in $HOSTS; do
        at "h$n" "$MF_BIN/wgconfig" -i pub0 -T lan0 -I "198.18.$n.1/24" -I "fd00:18:$n::1/64" \
            --public-address "203.0.113.$n" --hostname "h$n" --site-fingerprint "$MF_FP" \
            --zone-file "$ZONE" "$MF_DOMAIN" || bad "wgconfig on h$n: $MF_ERR"
        at "h$n" "$MF_BIN/wghost" "$MF_DOMAIN" && printf '%s\n' "$MF_OUT" >>"$D/admit.txt" || bad "wghost on h$n: $MF_ERR"
    done
    at site "$MF_BIN/wgsite" -i "@$D/admit.txt" --yes "$SITE" || bad "wgsite -i: $MF_ERR"
    pub || bad "wgpub: $MF_ERR"
    deploy_all_hosts
}
[ ${#ERRS[@]} = 0 ] && { mf_wait_converged 60 $HOSTS >/dev/null || bad "not converged: $MF_ERR"; }
healthy_all
verdict start "3 hosts from a zone file, record lifetime 2 d, group key at most 1 d old; converged, --check healthy"

# ---------------------------------------------------------------- 2. host key
log "host key: h2 rotates its WireGuard key (wghost --rotate-key), under probes"
KEY_BEFORE=$(ml_exec h2/$MF_LOCUS -- wg show wg1 public-key)
probes_start
at h2 "$MF_BIN/wghost" --rotate-key "$MF_DOMAIN" || bad "wghost --rotate-key: $MF_ERR"
ROTATION_BLOB=$MF_OUT
printf '%s\n' "$ROTATION_BLOB" >"$D/rotate-h2.blob"
at site "$MF_BIN/wgsite" -i "@$D/rotate-h2.blob" "$SITE" || bad "wgsite -i of the rotation blob (no --replace, no --yes) failed: $MF_ERR"
pub || bad "wgpub: $MF_ERR"
# wgpub publishes the new key with a switch time (key-switch-delay after this first publication).
SWITCH_AT=$(grep -oE 'key switch to [^ ]+ at [^ ]+' <<<"$MF_OUT$MF_ERR" | awk '{print $NF}' | head -n 1)
[ -n "$SWITCH_AT" ] || bad "wgpub did not report h2's key switch time: $MF_OUT $MF_ERR"
# The three deploys apart, as timers are (h1 now, h3 4 s later, h2 8 s later): each keeps the old
# key, waits for the switch time and then changes only the WireGuard links to h2 (on h2, all).
pids=()
for n in 1 3 2; do
    delay=$(( n == 1 ? 0 : (n == 3 ? 4 : 8) ))
    (sleep "$delay"; deploy "$n" -v; rc=$?; printf '%s\n' "$MF_ERR" >"$D/deploy-h$n.log"; exit $rc) & pids+=("$n:$!")
done
sleep 10
# Before the switch time every end still uses the old key.
[ "$(ml_exec h1/$MF_LOCUS -- wg show wg2 peers)" = "$KEY_BEFORE" ] || bad "h1 changed h2's key before the switch time"
[ "$(ml_exec h2/$MF_LOCUS -- wg show wg1 public-key)" = "$KEY_BEFORE" ] || bad "h2 changed its key before the switch time"
for p in "${pids[@]}"; do
    n=${p%%:*}
    wait "${p#*:}" || bad "wgdeploy on h$n failed: $(grep -m1 '^error' "$D/deploy-h$n.log")"
    grep -q "waiting until $SWITCH_AT" "$D/deploy-h$n.log" || bad "wgdeploy on h$n did not wait for the switch at $SWITCH_AT: $(tr '\n' ' ' <"$D/deploy-h$n.log")"
done
# When each end switched (the clock of the commands, ms): their spread is the skew of the switch.
SWITCHED=$(for n in $HOSTS; do grep -oE 'switched [0-9]+ WireGuard file\(s\) at [^ ]+' "$D/deploy-h$n.log" | awk -v h="h$n" '{print h "@" $NF}'; done | tr '\n' ' ')
mf_wait_converged 30 $HOSTS >/dev/null || bad "not converged after the host key rotation: $MF_ERR"
probes_stop
KEY_AFTER=$(ml_exec h2/$MF_LOCUS -- wg show wg1 public-key)
[ -n "$KEY_AFTER" ] && [ "$KEY_AFTER" != "$KEY_BEFORE" ] || bad "h2's WireGuard key did not change ($KEY_BEFORE)"
PEER_SEES=$(ml_exec h1/$MF_LOCUS -- wg show wg2 peers)
[ "$PEER_SEES" = "$KEY_AFTER" ] || bad "h1's wg2 peer is '$PEER_SEES', want h2's new key $KEY_AFTER"
ml_exec h2 -- test ! -e "/etc/wgmesh/$MF_DOMAIN.key.next" || bad "h2 kept its pending key file after switching"
# The target: at most one BFD detection window (3 x 100 ms).
if [ "$GAP" -gt 300 ]; then
    bad "the host-key switch's longest reply gap is $GAP ms, more than one BFD window (300 ms)"
    for n in $HOSTS; do sed "s/^/    h$n: /" "$D/deploy-h$n.log"; done
fi
healthy_all
HK="$LOSS of $SENT lost, longest gap $GAP ms (target 300 ms); switch at $SWITCH_AT: $SWITCHED"
verified "the host-key rotation"
verdict host-key "h2's key replaced by its rotation blob (no --replace), peers switched: $HK"

# ---------------------------------------------------------------- 3. group key
log "group key: a day later the scheduled rotation, under probes"
probes_start
EPOCH0=$(epoch)
OFFSET=$((OFFSET + DAY + 3600))
pub || bad "wgpub a day later: $MF_ERR"
EPOCH1=$(epoch)
[ -n "$EPOCH0" ] && [ "${EPOCH1:-0}" -gt "$EPOCH0" ] || bad "wgpub a day later kept group-key epoch '$EPOCH1' (was '$EPOCH0')"
deploy_all_hosts
end_lossless "group-key rotation"
GK=$FIG
verdict group-key "wgpub a day later started epoch ${EPOCH1:-?} (was ${EPOCH0:-?}), every endpoint deployed it: $GK"

# ---------------------------------------------------------------- 4. site key
log "site key: roll with a 2-day overlap, the endpoints pin the next key, the switch, under probes"
probes_start
at site "$MF_BIN/wgsite" --roll-site-key --overlap 2d --yes "$SITE" || bad "wgsite --roll-site-key: $MF_ERR"
NEW_FP=$(grep -oE 'SHA256:[A-Za-z0-9+/=]+' <<<"$MF_OUT" | grep -v "^$MF_FP\$" | head -n 1)
pub || bad "wgpub (announce): $MF_ERR"
cp "$ZONE" "$D/pre-switch.zone"
deploy_all_hosts
for n in $HOSTS; do seen_of "$n" | grep -q 'next-site-key' || bad "h$n did not pin the announced next key"; done
OFFSET=$((OFFSET + 2 * DAY + 3600))
pub || bad "wgpub (switch): $MF_ERR"
at site "$MF_BIN/wgsite" "$SITE"
grep -q "$NEW_FP" <<<"$MF_OUT" || bad "the site does not show the new fingerprint $NEW_FP after the switch"
deploy_all_hosts
end_lossless "site-key roll"
SK=$FIG
verdict site-key "announced, pinned by h1..h3, switched to ${NEW_FP:-?}: $SK"

# ---------------------------------------------------------------- 5. bad input
log "bad input: a rotation blob endorsed by the wrong key, the pre-switch publication replayed, another site's announcement"
BEFORE=$(snapshots $HOSTS)
cp "$SITE" "$D/site.before"
# A rotation blob for h3 endorsed by a key that is not h3's: h3's key file swapped for a stranger's
# while wghost makes it, then put back.
K=/etc/wgmesh/$MF_DOMAIN.key
ml_exec h3 -- sh -c "cp -p $K $K.real && umask 077 && wg genkey >$K" || bad "could not swap h3's key"
at h3 "$MF_BIN/wghost" --rotate-key "$MF_DOMAIN" || bad "wghost --rotate-key with the stranger's key: $MF_ERR"
printf '%s\n' "$MF_OUT" >"$D/rotate-h3-wrong.blob"
ml_exec h3 -- sh -c "mv $K.real $K && rm -f $K.next" || bad "could not put h3's key back"
at site "$MF_BIN/wgsite" -i "@$D/rotate-h3-wrong.blob" "$SITE"
rc=$?
[ "$rc" = 4 ] || bad "a rotation blob endorsed by the wrong old key was not refused with exit 4 (exit $rc): $MF_ERR"
B1=$(grep -m1 '^error: ' <<<"$MF_ERR")
cmp -s "$SITE" "$D/site.before" || bad "the refused rotation blob changed the site file"
cp "$ZONE" "$D/current.zone"
cp "$D/pre-switch.zone" "$ZONE"
SEEN1=$(seen_of 1)
deploy 1
rc=$?
[ "$rc" = 5 ] || bad "the replayed pre-switch publication was not refused with exit 5 (exit $rc)"
B2=$(grep -m1 '^error: ' <<<"$MF_ERR")
[ "$(seen_of 1)" = "$SEEN1" ] || bad "the refused replay changed h1's .seen"
# Another site of the same domain, rolling its own key: its mesh record announces a next key but is
# not signed by the key the endpoints trust.
mkdir -p "$D/rogue"
at site "$MF_BIN/wgsite" --domain "$MF_DOMAIN" --locus "$MF_LOCUS" --publish "zonefile:$D/rogue/mesh.zone" "$D/rogue/wgmesh.yaml" >/dev/null &&
    at site "$MF_BIN/wgsite" --roll-site-key --overlap 14d --yes "$D/rogue/wgmesh.yaml" >/dev/null &&
    at site "$MF_BIN/wgpub" "$D/rogue/wgmesh.yaml" >/dev/null || bad "could not make the rogue site: $MF_ERR"
cp "$D/rogue/mesh.zone" "$ZONE"
deploy 1
rc=$?
[ "$rc" = 5 ] || bad "another site's announcing record was not refused with exit 5 (exit $rc)"
B3=$(grep -m1 '^error: ' <<<"$MF_ERR")
[ "$(seen_of 1)" = "$SEEN1" ] || bad "the refused announcement changed h1's .seen (a next key pinned?)"
cp "$D/current.zone" "$ZONE"
[ "$(snapshots $HOSTS)" = "$BEFORE" ] || bad "the running mesh changed during the bad input"
deploy 1 || bad "wgdeploy on h1 after the restore: $MF_ERR"
verdict bad-input "rotation blob endorsed by the wrong key: '${B1#error: }'; pre-switch replay: '${B2#error: }'; another site's announcement: '${B3#error: }'"

teardown_verdict
WALL=$(( ($(mf_now_ms) - T_START) / 1000 ))
echo "figures: group key ${GK:-?}; host key ${HK:-?}; site key ${SK:-?}; wall time ${WALL} s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
