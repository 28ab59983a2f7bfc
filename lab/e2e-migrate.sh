#!/bin/bash
# e2e-migrate.sh: the end-to-end proof of the move from the original wgmesh (docs/migration.md,
# docs/e2e.md "Migration"). Run as root.
#
#   lab/e2e-migrate.sh [-p PREFIX] [--keep]
#
# The files of the original wgmesh 2.0.2 (wgcore/src/test/resources/original-wgmesh-v2: a 100-host
# site file with its key, the node files, key pairs and registration blobs of node001..node005)
# are moved over as an admin would (docs/migration.md): the site is imported (every uuid, number,
# AS and key kept), node005 is admitted from its original blob, and hosts h1..h5 of the lab, each
# given fixture node N's public address, are set up from their original node file and key pair with
# `wgconfig --import-original`: no wghost, no new approval. They form a working mesh with the
# original's ports and keys. Then mangled copies are refused with nothing changed. The node files'
# LAN (trust_address 10.0.N.1/24) is the one value the lab changes, in its copies: to the lab's LAN
# addresses (198.18.N.1/24 and fd00:18:N::1/64), so that the lab uses only the documentation,
# benchmarking and ULA ranges of docs/lab.md.
# Checks: import-all, import, original-blob, endpoints, mesh, kept, refusals, teardown.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ML_PREFIX=wgemig
SCENARIO=e2e-migrate
# The original's domain is kept, so the lab's Knot serves its parent.
MF_ZONE=example.test
MF_LOCUS=mesh1
MF_DOMAIN=mesh1.example.test
# shellcheck source=scenario.sh
. "$HERE/scenario.sh" "$@"

FX=$MF_ROOT/wgcore/src/test/resources/original-wgmesh-v2
HOSTS="1 2 3 4 5"
fx_node() { printf 'node%03d' "$1"; }
D=
SITE=
# Host N's node file as the lab uses it: the fixture's, with the lab's LAN as its trust addresses.
lab_node_file() { # N
    sed "s|^  - 10\.0\.$1\.1/24\$|  - 198.18.$1.1/24\n  - fd00:18:$1::1/64|" "$FX/nodes/$(fx_node "$1")/node_mesh1.yaml"
}

# The JSON of the last command's stdout, read with node (scenario.sh reads the status that way).
json() { # EXPRESSION (of `j`)
    node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(eval(process.argv[1]))' "$1" <<<"$MF_OUT"
}
# A listing of a directory in TARGET: names, sizes, modes, modification times.
listing() { # TARGET DIR
    ml_exec "$1" -- find "$2" -printf '%p %s %m %T@\n' 2>/dev/null | sort
}

# ---------------------------------------------------------------- 1. import-all
log "lab up (5 hosts) and Knot for $MF_ZONE; the original's 100-host site imported (dry run)"
LAB_UP=1
if ! ml_up -n 5 >/dev/null || ! ml_knot_start "$MF_ZONE" >/dev/null 2>&1; then
    bad "lab did not come up"; verdict import-all ""; echo "$PASSED passed, $((FAILED + 7)) failed"; exit 1
fi
D=$(mf__site)
mkdir -p "$D" && chmod 0700 "$D"
SITE=$D/wgmesh.yaml
install -m 0600 "$(ml__state)/knot/tsig.secret" "$D/tsig.secret"
PUBLISH="rfc2136://$MF_RESOLVER?zone=$MF_ZONE&tsig=upd.key&secret-file=tsig.secret"
ALL=-
if mf__run site -- "$MF_BIN/wgsite" --import-original "$FX/site/mesh1.yaml" --original-key "$FX/site/mesh1_priv" \
    --dry-run --json "$D/all.yaml"; then
    ALL=$(json 'j.hosts + " " + j.original.hosts + " " + j.changed.filter(c => c.subject.startsWith("node")).length')
    [ "$ALL" = "100 100 0" ] || bad "the dry run imports '$ALL' (hosts, original hosts, changed hosts), want 100 100 0"
    [ ! -e "$D/all.yaml" ] || bad "the dry run wrote $D/all.yaml"
else
    bad "wgsite --import-original --dry-run exited $?: $MF_ERR"
fi
verdict import-all "100 original hosts planned with uuid, number, AS and key unchanged ($ALL), nothing written"

# ---------------------------------------------------------------- 2. import
log "import: the site with node001..node004 (their node files give the LANs), the rest left out"
awk '/^    hostname: /{print $2}' "$FX/site/mesh1.yaml" | grep -vx 'node00[1-4]' >"$D/exclude.txt"
NODES=()
for n in $HOSTS; do
    lab_node_file "$n" >"$D/node_mesh1-h$n.yaml"
    grep -q "198.18.$n.1/24" "$D/node_mesh1-h$n.yaml" || bad "the lab's copy of $(fx_node "$n")'s node file has no lab LAN"
    [ "$n" = 5 ] || NODES+=(--original-node "$D/node_mesh1-h$n.yaml")
done
if mf__run site -- "$MF_BIN/wgsite" --import-original "$FX/site/mesh1.yaml" --original-key "$FX/site/mesh1_priv" \
    "${NODES[@]}" --exclude "@$D/exclude.txt" --publish "$PUBLISH" --yes "$SITE"; then
    MF_FP=$(awk '$1 == "fingerprint:" {print $2}' <<<"$MF_OUT")
    grep -q '^  4 of 4 hosts with uuid, hostname, number (= octet), AS and key unchanged' <<<"$MF_OUT" ||
        bad "the report does not say all 4 hosts were kept: $(grep -A3 '^kept:' <<<"$MF_OUT" | tr '\n' ' ')"
    grep -q '^  portbase 9000 (ports unchanged' <<<"$MF_OUT" || bad "the report does not keep portbase 9000"
    [ "$(stat -c %a "$D/wgmesh.original.key")" = 600 ] || bad "wgmesh.original.key is not 0600"
else
    bad "wgsite --import-original exited $?: $MF_ERR"
fi
[ -n "$MF_FP" ] || bad "the import printed no fingerprint"
verdict import "4 hosts imported (96 left out), original key kept 0600, fingerprint ${MF_FP:0:20}..."

# ---------------------------------------------------------------- 3. original-blob
log "original blob: node005 admitted from the blob the original's wgsite add took"
BLOB_FIG=-
# The import left 198.18.0.0/15 out of allowed-lan-prefixes (it holds the fixture hosts' public
# addresses) and allowed h1..h4's LANs one by one: the admin allows h5's the same way, by hand.
sed -i 's|^- fd00::/8$|&\n- 198.18.5.0/24|' "$SITE"
mf__run site -- "$MF_BIN/wgsite" "$SITE" >/dev/null || bad "the site file with h5's LAN allowed: $MF_ERR"
if mf__run site -- "$MF_BIN/wgsite" -i "@$FX/blobs/node005.blob" --lan 198.18.5.0/24 --lan fd00:18:5::/64 --yes "$SITE"; then
    mf__run site -- "$MF_BIN/wgsite" --list --json "$SITE" || bad "wgsite --list --json: $MF_ERR"
    BLOB_FIG=$(json 'const h = j.hosts.find(h => h.hostname === "node005"); h ? h.number + " AS" + h.asn : "absent"')
    [ "$BLOB_FIG" = "5 AS64516" ] || bad "node005 was admitted as '$BLOB_FIG', want number 5 and AS 64516 (the original's)"
else
    bad "wgsite -i of node005's original blob exited $?: $MF_ERR"
fi
mf__run site -- "$MF_BIN/wgsite" -i "@$FX/blobs/node001.blob" --yes "$SITE" || bad "node001's original blob (already imported) exited $?: $MF_ERR"
SUM=$(sha256sum "$SITE")
sed '2s/A/B/' "$FX/blobs/node002.blob" >"$D/tampered.blob"
cmp -s "$D/tampered.blob" "$FX/blobs/node002.blob" && sed -i '2s/a/b/' "$D/tampered.blob"
mf__run site -- "$MF_BIN/wgsite" -i "@$D/tampered.blob" --yes "$SITE"
rc=$?
[ "$rc" = 4 ] || bad "a tampered original blob exited $rc, want 4: $MF_ERR"
[ "$SUM" = "$(sha256sum "$SITE")" ] || bad "the tampered blob changed the site file"
mf_publish || bad "wgpub: $MF_ERR"
verdict original-blob "node005 from its original blob: number, AS = ${BLOB_FIG}; node001's again: unchanged; tampered: refused (exit $rc), site unchanged"

# ---------------------------------------------------------------- 4. endpoints
log "endpoints: h1..h5 set up from the original node files and key pairs (no wghost)"
for n in $HOSTS; do
    N=$(fx_node "$n")
    # Fixture node N's public address, on the lab's "internet" (inside 198.18.0.0/15).
    ml_exec "h$n" -- ip addr add "198.18.0.$n/24" dev pub0 || bad "h$n: cannot add 198.18.0.$n"
    # Where the original left them, with its umask.
    ml_exec "h$n" -- mkdir -p /etc/wgmesh
    ml_exec "h$n" -- install -m 0644 "$D/node_mesh1-h$n.yaml" /etc/wgmesh/node_mesh1.yaml || bad "h$n: cannot install its node file"
    for f in node_mesh1.key node_mesh1.pub; do
        ml_exec "h$n" -- install -m 0644 "$FX/nodes/$N/$f" "/etc/wgmesh/$f" || bad "h$n: cannot install $f"
    done
    if mf__run "h$n" -- "$MF_BIN/wgconfig" --import-original /etc/wgmesh/node_mesh1.yaml -i pub0 -T lan0 \
        --site-fingerprint "$MF_FP" --resolver "$MF_HOST_RESOLVER" "$MF_DOMAIN"; then
        ml_exec "h$n" -- cmp -s /etc/wgmesh/node_mesh1.key "/etc/wgmesh/$MF_DOMAIN.key" ||
            bad "h$n: the host key is not the original's key byte for byte"
        [ "$(ml_exec "h$n" -- stat -c %a "/etc/wgmesh/$MF_DOMAIN.key")" = 600 ] || bad "h$n: the host key is not 0600"
        uuid=$(awk '/^  uuid:/{print $2}' "$FX/nodes/$N/node_mesh1.yaml")
        ml_exec "h$n" -- grep -q "$uuid" "/etc/wgmesh/$MF_DOMAIN.yaml" || bad "h$n: the endpoint file does not keep uuid $uuid"
        grep -q 'the site has admitted this host' <<<"$MF_OUT" || bad "h$n: wgconfig does not say the site admitted it: $MF_OUT $MF_ERR"
    else
        bad "wgconfig --import-original on h$n exited $?: $MF_ERR"
    fi
done
verdict endpoints "h1..h5: uuid and key of the original node kept (key byte for byte, 0600), admitted without wghost"

# ---------------------------------------------------------------- 5. mesh
log "mesh: wgdeploy on h1..h5"
CONV=-
if deploy_all $HOSTS; then
    # shellcheck disable=SC2086
    if ! CONV=$(mf_wait_converged 60 $HOSTS); then
        # The wait ran in a subshell: ask again for what is missing.
        mf_sessions_ok $HOSTS; e=$MF_ERR
        mf_matrix_ok $HOSTS
        bad "not converged 60 s after the last wgdeploy: $e $MF_ERR"
    fi
fi
# shellcheck disable=SC2086
mf_matrix_print $HOSTS >&2
verdict mesh "5 hosts of the original, deployed: every BGP session Established, BFD Up, 20 LAN pairs x v4+v6 reachable in ${CONV} ms"

# ---------------------------------------------------------------- 6. kept
log "kept: h1's links use the original's ports and keys"
for p in 2 3 4 5; do
    port=$(ml_exec "h1/$MF_LOCUS" -- wg show "wg$p" listen-port)
    [ "$port" = $((9000 + p)) ] || bad "h1: wg$p listens on '$port', want $((9000 + p)) (the original's portbase + $p)"
    peer=$(ml_exec "h1/$MF_LOCUS" -- wg show "wg$p" peers)
    [ "$peer" = "$(cat "$FX/nodes/$(fx_node "$p")/node_mesh1.pub")" ] || bad "h1: wg$p's peer is '$peer', not $(fx_node "$p")'s original key"
    ep=$(mf_endpoint 1 "wg$p")
    [ "$ep" = "198.18.0.$p:9001" ] || bad "h1: wg$p sends to '$ep', want 198.18.0.$p:9001"
done
[ "$(ml_exec "h1/$MF_LOCUS" -- wg show wg2 public-key)" = "$(cat "$FX/nodes/node001/node_mesh1.pub")" ] ||
    bad "h1's WireGuard key is not node001's original key"
verdict kept "h1 listens on 9002..9005 towards peers 2..5 and sends to their 198.18.0.N:9001 with the original keys"

# ---------------------------------------------------------------- 7. refusals
log "refusals: a mangled original site and node file change nothing"
sed '0,/octet: 2$/s//octet: 1/' "$FX/site/mesh1.yaml" >"$D/dup-octet.yaml"
BEFORE=$(listing site "$D")
mf__run site -- "$MF_BIN/wgsite" --import-original "$D/dup-octet.yaml" --original-key "$FX/site/mesh1_priv" --yes "$D/dup.yaml"
rc=$?
[ "$rc" = 3 ] && grep -q 'duplicate octet 1' <<<"$MF_ERR" || bad "a duplicate octet: exit $rc, want 3 naming it: $MF_ERR"
[ "$BEFORE" = "$(listing site "$D")" ] || bad "the refused import changed $D"
ml_exec h1 -- sh -c 'sed "s/^  locus: mesh1$/  locus: mesh1\n  colour: blue/" /etc/wgmesh/node_mesh1.yaml >/root/extra.yaml'
BEFORE=$(listing h1 /etc/wgmesh)
mf__run h1 -- "$MF_BIN/wgconfig" --import-original /root/extra.yaml --original-key /etc/wgmesh/node_mesh1.key -i pub0 -T lan0 \
    --site-fingerprint "$MF_FP" --resolver "$MF_HOST_RESOLVER" "$MF_DOMAIN"
rc2=$?
[ "$rc2" = 3 ] && grep -q 'colour' <<<"$MF_ERR" || bad "a node file with an unknown key: exit $rc2, want 3 naming it: $MF_ERR"
[ "$BEFORE" = "$(listing h1 /etc/wgmesh)" ] || bad "the refused wgconfig changed /etc/wgmesh on h1"
verdict refusals "duplicate octet: exit $rc; unknown node key: exit $rc2; nothing changed"

teardown_verdict
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
