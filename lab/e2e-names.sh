#!/bin/bash
# e2e-names.sh: the end-to-end proof of the hosts' names in DNS (issue 25; docs/publishing.md,
# "Name records (A, AAAA, PTR)"; docs/e2e.md "Names"). Run as root.
#
#   lab/e2e-names.sh [-p PREFIX] [--keep]
#
# A site with a `names:` section publishes by RFC 2136 to the lab's Knot, which serves the mesh's
# zone and three reverse zones (the tunnel prefix's ip6.arpa /48, 18.198.in-addr.arpa and the
# ip6.arpa /32 of the hosts' IPv6 LANs). kdig against Knot resolves every host's AAAA (its mesh
# address) and its PTR; a host that joins gets its names, a removed host loses them, a client
# (docs/clients.md) has names with its pool addresses while it exists, switching to
# `addresses: lan` replaces the records with the LAN addresses (A and AAAA), bad input is refused
# with DNS unchanged, and dropping the section removes every name wgmesh wrote while a PTR it did
# not write stays. No host is deployed: names are the site's and DNS's business.
# Checks: names, join, remove, client, lan, refusals, dropped, teardown.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ML_PREFIX=wgenam
SCENARIO=e2e-names
# shellcheck source=scenario.sh
. "$HERE/scenario.sh" "$@"

TUNNEL=fd12:3456:789a::/48
REV_TUNNEL=a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa     # fd12:3456:789a::/48
REV_LAN4=18.198.in-addr.arpa                    # 198.18.0.0/16: the hosts' IPv4 LANs
REV_LAN6=8.1.0.0.0.0.d.f.ip6.arpa                # fd00:18::/32: the hosts' IPv6 LANs (fd00:18:N::/64)
FOREIGN=198.18.9.9                              # a PTR the operator wrote, not wgmesh
D=
SITE=

# The data of NAME's TYPE records as Knot answers, sorted, on one line ("" when none).
ask() { # NAME TYPE
    ml_exec dns -- kdig "@$MF_DNS" +tcp +short +timeout=2 +retry=1 "$1" "$2" 2>/dev/null | sort | paste -sd' '
}
# The PTR of ADDRESS as Knot answers (kdig -x builds the reverse name).
ptr() { # ADDRESS
    ml_exec dns -- kdig "@$MF_DNS" +tcp +short +timeout=2 +retry=1 -x "$1" 2>/dev/null | paste -sd' '
}
mesh_addr() { echo "fd12:3456:789a:0:1::$1"; }
# Host N's name: gwN (a host called hN would be refused: h<N> are the host records' names).
name_of() { echo "gw$1.$MF_DOMAIN"; }

# Expects host N's tunnel names (AAAA and PTR) in Knot, or none (WANT=absent).
tunnel_names() { # N present|absent
    local n=$1 want aaaa p
    aaaa=$(ask "$(name_of "$n")" AAAA)
    p=$(ptr "$(mesh_addr "$n")")
    if [ "$2" = present ]; then
        [ "$aaaa" = "$(mesh_addr "$n")" ] || bad "$(name_of "$n") AAAA is '$aaaa', want $(mesh_addr "$n")"
        [ "$p" = "$(name_of "$n")." ] || bad "PTR of $(mesh_addr "$n") is '$p', want $(name_of "$n")."
    else
        [ -z "$aaaa" ] || bad "$(name_of "$n") still has AAAA '$aaaa'"
        [ -z "$p" ] || bad "$(mesh_addr "$n") still has PTR '$p'"
    fi
}

# wgconfig and wghost on host N with host name gwN; the blob in STATE/site/blob-hN.
enrol_gw() { # N
    local n=$1
    mf__run "h$n" -- "$MF_BIN/wgconfig" -i pub0 -T lan0 -I "198.18.$n.1/24" -I "fd00:18:$n::1/64" \
        --public-address "203.0.113.$n" --hostname "gw$n" --site-fingerprint "$MF_FP" \
        --resolver "$MF_HOST_RESOLVER" "$MF_DOMAIN" || return 1
    mf__run "h$n" -- "$MF_BIN/wghost" "$MF_DOMAIN" || return 1
    printf '%s\n' "$MF_OUT" >"$D/blob-h$n"
}

set_names() { # SECTION (empty: none)
    sed -i '/^names:/,$d' "$SITE"
    [ -z "$1" ] || printf '%s\n' "$1" >>"$SITE"
}

# ---------------------------------------------------------------- 1. names
log "lab up (3 hosts), Knot for $MF_ZONE and the reverse zones; a site with names: addresses: tunnel"
LAB_UP=1
if ! ml_up -n 3 >/dev/null || ! ml_knot_start "$MF_ZONE" "$REV_TUNNEL" "$REV_LAN4" "$REV_LAN6" >/dev/null 2>&1; then
    bad "lab did not come up"; verdict names ""; echo "$PASSED passed, $((FAILED + 7)) failed"; exit 1
fi
D=$(mf__site)
mkdir -p "$D" && chmod 0700 "$D"
SITE=$D/wgmesh.yaml
install -m 0600 "$(ml__state)/knot/tsig.secret" "$D/tsig.secret"
if mf__run site -- "$MF_BIN/wgsite" --domain "$MF_DOMAIN" --locus "$MF_LOCUS" --tunnel-prefix "$TUNNEL" \
    --publish "rfc2136://$MF_RESOLVER?zone=$MF_ZONE&tsig=upd.key&secret-file=tsig.secret" "$SITE"; then
    MF_FP=$(awk '$1 == "fingerprint:" {print $2}' <<<"$MF_OUT")
else
    bad "wgsite (create) exited $?: $MF_ERR"
fi
set_names "names:
  addresses: tunnel"
mf_publish || bad "wgpub of the empty mesh: $MF_ERR"
for n in 1 2; do enrol_gw "$n" || bad "enrolling h$n (gw$n): $MF_ERR"; done
cat "$D/blob-h1" "$D/blob-h2" >"$D/admit.txt"
mf__run site -- "$MF_BIN/wgsite" -i "@$D/admit.txt" --yes "$SITE" || bad "wgsite -i gw1 gw2: $MF_ERR"
mf_publish || bad "wgpub: $MF_ERR"
grep -q "^+ $(name_of 1)  AAAA $(mesh_addr 1)\$" <<<"$MF_OUT" || bad "wgpub does not show gw1's AAAA: $MF_OUT"
grep -q "name records: 4 to add, 0 to change, 0 to delete" <<<"$MF_OUT" || bad "wgpub's summary of names: $(grep 'name records' <<<"$MF_OUT")"
for n in 1 2; do tunnel_names "$n" present; done
mf_publish || bad "second wgpub: $MF_ERR"
grep -q "name records" <<<"$MF_OUT" && bad "a second wgpub changes names: $MF_OUT"
verdict names "gw1, gw2: AAAA $(ask "$(name_of 1)" AAAA) ... and PTRs in $REV_TUNNEL; second run writes no name"

# ---------------------------------------------------------------- 2. join
log "join: gw3 admitted and published"
enrol_gw 3 || bad "enrolling h3 (gw3): $MF_ERR"
mf__run site -- "$MF_BIN/wgsite" -i "@$D/blob-h3" --yes "$SITE" || bad "wgsite -i gw3: $MF_ERR"
tunnel_names 3 absent
mf_publish || bad "wgpub: $MF_ERR"
grep -q "name records: 2 to add, 0 to change, 0 to delete" <<<"$MF_OUT" || bad "wgpub's summary: $(grep 'name records' <<<"$MF_OUT")"
for n in 1 2 3; do tunnel_names "$n" present; done
verdict join "gw3's AAAA and PTR appear with its publication; gw1, gw2 unchanged"

# ---------------------------------------------------------------- 3. remove
log "remove: gw2 removed and published"
mf__run site -- "$MF_BIN/wgsite" --remove gw2 --yes "$SITE" || bad "wgsite --remove gw2: $MF_ERR"
mf_publish || bad "wgpub: $MF_ERR"
grep -q "^- $(name_of 2)  AAAA" <<<"$MF_OUT" || bad "wgpub does not show gw2's AAAA deleted: $MF_OUT"
tunnel_names 2 absent
for n in 1 3; do tunnel_names "$n" present; done
verdict remove "gw2's AAAA and PTR gone; gw1, gw3 stay"

# ---------------------------------------------------------------- 4. client
log "client: a client's names carry its pool addresses, and go with it"
CLIENT=laptop.$MF_DOMAIN
CLIENT4=198.18.250.1
CLIENT6=fd12:3456:789a:0:2::1
set_names ""
printf 'clients:\n  pool-ipv4: 198.18.250.0/24\n' >>"$SITE"
set_names "names:
  addresses: tunnel
  reverse-zones: [$REV_TUNNEL, $REV_LAN4]"
mf__run site -- "$MF_BIN/wgsite" --add-client laptop --attach gw1 --key "$(wg genkey | wg pubkey)" --yes "$SITE" ||
    bad "wgsite --add-client laptop: $MF_ERR"
mf_publish || bad "wgpub: $MF_ERR"
[ "$(ask "$CLIENT" A)" = "$CLIENT4" ] || bad "$CLIENT A is '$(ask "$CLIENT" A)', want $CLIENT4"
[ "$(ask "$CLIENT" AAAA)" = "$CLIENT6" ] || bad "$CLIENT AAAA is '$(ask "$CLIENT" AAAA)', want $CLIENT6"
[ "$(ptr "$CLIENT4")" = "$CLIENT." ] || bad "PTR of $CLIENT4 is '$(ptr "$CLIENT4")', want $CLIENT."
[ "$(ptr "$CLIENT6")" = "$CLIENT." ] || bad "PTR of $CLIENT6 is '$(ptr "$CLIENT6")', want $CLIENT."
for n in 1 3; do tunnel_names "$n" present; done
CLIENT_FIG="A $(ask "$CLIENT" A), AAAA $(ask "$CLIENT" AAAA)"
mf__run site -- "$MF_BIN/wgsite" --remove-client laptop --yes "$SITE" || bad "wgsite --remove-client laptop: $MF_ERR"
mf_publish || bad "wgpub: $MF_ERR"
[ -z "$(ask "$CLIENT" A)$(ask "$CLIENT" AAAA)" ] || bad "$CLIENT still has addresses after its removal"
[ -z "$(ptr "$CLIENT4")$(ptr "$CLIENT6")" ] || bad "the client's PTRs are still there after its removal"
verdict client "$CLIENT: $CLIENT_FIG and both PTRs; gone with the client"

# ---------------------------------------------------------------- 5. lan
log "lan: names carry the LAN addresses; a PTR wgmesh did not write is added by nsupdate"
printf 'server %s 53\nzone %s\nupdate add 9.9.18.198.in-addr.arpa 300 PTR printer.example.\nsend\n' \
    "$MF_DNS" "$REV_LAN4" | ml_exec site -- nsupdate -v -k "$(ml__state)/knot/tsig.nsupdate" || bad "nsupdate of the foreign PTR failed"
set_names "names:
  addresses: lan
  reverse-zones: [$REV_LAN4, $REV_LAN6]
  lan-addresses:
    gw1: [198.18.1.1, 'fd00:18:1::1']
    gw3: [198.18.3.1, 'fd00:18:3::1']"
mf_publish || bad "wgpub: $MF_ERR"
grep -q "^~ $(name_of 1)  AAAA fd00:18:1::1\$" <<<"$MF_OUT" || bad "wgpub does not show gw1's AAAA changed: $MF_OUT"
for n in 1 3; do
    [ "$(ask "$(name_of "$n")" A)" = "198.18.$n.1" ] || bad "$(name_of "$n") A is '$(ask "$(name_of "$n")" A)'"
    [ "$(ask "$(name_of "$n")" AAAA)" = "fd00:18:$n::1" ] || bad "$(name_of "$n") AAAA is '$(ask "$(name_of "$n")" AAAA)'"
    [ "$(ptr "198.18.$n.1")" = "$(name_of "$n")." ] || bad "PTR of 198.18.$n.1 is '$(ptr "198.18.$n.1")'"
    [ "$(ptr "fd00:18:$n::1")" = "$(name_of "$n")." ] || bad "PTR of fd00:18:$n::1 is '$(ptr "fd00:18:$n::1")'"
    [ -z "$(ptr "$(mesh_addr "$n")")" ] || bad "the tunnel PTR of gw$n is still there"
done
# wgpub --verify checks the names too: gw1's A deleted behind wgmesh's back is named (exit 5);
# the next wgpub writes it again.
mf_verify || bad "wgpub --verify with the LAN names: $MF_OUT $MF_ERR"
printf 'server %s 53\nzone %s\nupdate delete %s A\nsend\n' "$MF_DNS" "$MF_ZONE" "$(name_of 1)" |
    ml_exec site -- nsupdate -v -k "$(ml__state)/knot/tsig.nsupdate" || bad "nsupdate deleting gw1's A failed"
mf_verify
rc=$?
[ "$rc" = 5 ] || bad "wgpub --verify with gw1's A deleted exited $rc, want 5"
VERIFY_SAID=$(grep -m1 "^$(name_of 1): field 'A': missing" <<<"$MF_OUT$MF_ERR" || true)
[ -n "$VERIFY_SAID" ] || bad "wgpub --verify does not name gw1's missing A: $MF_OUT $MF_ERR"
mf_publish || bad "wgpub after the A was deleted: $MF_ERR"
[ "$(ask "$(name_of 1)" A)" = "198.18.1.1" ] || bad "wgpub did not write gw1's A again"
mf_verify || bad "wgpub --verify after wgpub wrote the A again: $MF_OUT $MF_ERR"
verdict lan "gw1: A $(ask "$(name_of 1)" A), AAAA $(ask "$(name_of 1)" AAAA); PTRs in $REV_LAN4 and $REV_LAN6; tunnel PTRs gone; gw1's A deleted by hand: wgpub --verify exit 5 '${VERIFY_SAID:-?}', wgpub wrote it again"

# ---------------------------------------------------------------- 6. refusals
log "refusals: bad names sections, nothing changed"
BEFORE="$(ask "$(name_of 1)" A) $(ask "$(name_of 3)" AAAA) $(ptr 198.18.1.1)"
cp "$SITE" "$D/good.yaml"
REFUSED=()
try_bad() { # LABEL WANT-MESSAGE SECTION
    set_names "$3"
    local sum
    sum=$(sha256sum "$SITE")
    mf_publish
    local rc=$?
    if [ "$rc" != 3 ]; then
        bad "$1: wgpub exited $rc, want 3: $MF_ERR"
    elif ! grep -q -- "$2" <<<"$MF_ERR"; then
        bad "$1: the error does not say '$2': $MF_ERR"
    else
        REFUSED+=("$1")
    fi
    [ "$sum" = "$(sha256sum "$SITE")" ] || bad "$1: the site file changed"
}
try_bad "lan without address" "host gw3 (h3): names.addresses is lan, but the site knows no LAN address" "names:
  addresses: lan
  lan-addresses:
    gw1: [198.18.1.1]"
try_bad "address outside the reverse zones" "no reverse zone in names.reverse-zones holds" "names:
  addresses: tunnel
  reverse-zones: [$REV_LAN4]"
try_bad "address outside the host's LANs" "LAN address 198.18.7.1 is in none of its lan-prefixes" "names:
  addresses: lan
  lan-addresses:
    gw1: [198.18.7.1]
    gw3: [198.18.3.1]"
AFTER="$(ask "$(name_of 1)" A) $(ask "$(name_of 3)" AAAA) $(ptr 198.18.1.1)"
[ "$BEFORE" = "$AFTER" ] || bad "DNS changed: '$BEFORE' -> '$AFTER'"
cp "$D/good.yaml" "$SITE"
verdict refusals "${#REFUSED[@]} of 3 refused with exit 3 ($(printf '%s; ' "${REFUSED[@]}" | sed 's/; $//')), site file and DNS unchanged"

# ---------------------------------------------------------------- 7. dropped
log "dropped: the names section removed; every name wgmesh wrote goes, the foreign PTR and the TXT records stay"
set_names ""
mf_publish || bad "wgpub: $MF_ERR"
grep -q "name records: 0 to add, 0 to change, 8 to delete" <<<"$MF_OUT" || bad "wgpub's summary: $(grep 'name records' <<<"$MF_OUT")"
for n in 1 3; do
    [ -z "$(ask "$(name_of "$n")" A)$(ask "$(name_of "$n")" AAAA)" ] || bad "$(name_of "$n") still has addresses"
    [ -z "$(ptr "198.18.$n.1")$(ptr "fd00:18:$n::1")" ] || bad "gw$n's LAN PTRs are still there"
done
[ "$(ptr "$FOREIGN")" = "printer.example." ] || bad "the foreign PTR of $FOREIGN is '$(ptr "$FOREIGN")', want printer.example."
[ -n "$(ask "$MF_DOMAIN" TXT)" ] || bad "the mesh record is gone"
[ ! -e "$D/wgmesh.names-state" ] || bad "the names state is left"
mf_verify || bad "wgpub --verify after dropping names: $MF_ERR"
verdict dropped "no A/AAAA/PTR of wgmesh left, the operator's PTR stays, the mesh record verifies"

teardown_verdict
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
