#!/bin/bash
# e2e-clients.sh: the end-to-end proof of clients (docs/clients.md, docs/e2e.md "Clients"):
# devices that run no wgmesh, only WireGuard, reach every LAN of the mesh. Run as root.
#
#   lab/e2e-clients.sh [-p PREFIX] [--keep] [--firewall shorewall|nftables]
#
# Three hosts form a full mesh. The admin adds two clients with wgsite: "laptop" attached to h1,
# its key pair made by the site (the config printed once, with a QR code as PNG), and "phone",
# attached to h2 (primary) and h3, with a key the device made itself. Each config goes to a device
# of the lab's internet (meshlab device-up: namespaces dev1 and dev2, no wgmesh there) and comes up
# with the real `wg-quick up`; the devices ping every LAN over IPv4 and IPv6 and the LANs ping
# them. The QR codes decode (zbarimg) to the configs. Bad input is refused with the site file
# unchanged. The laptop is removed: after wgpub and wgdeploy it reaches nothing, the phone still
# reaches everything.
# Checks: mesh, add, config, qr, reach, routes, refusals, remove, teardown.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ML_PREFIX=wgecli
SCENARIO=e2e-clients
# shellcheck source=scenario.sh
. "$HERE/scenario.sh" "$@"

HOSTS="1 2 3"
POOL4=198.19.250.0/24     # the lab's IPv4 client pool (benchmarking range, as the LANs)
D=
SITE=

# The lab's state dir for a device's files (its wg-quick config).
dev_dir() { printf '%s/dev%s' "$(ml__state)" "$1"; }
# wg-quick up CONF on device N (the interface is named after the file: cl-NAME).
dev_up() { # N CONF
    mkdir -p "$(dev_dir "$1")"
    install -m 0600 "$2" "$(dev_dir "$1")/$(basename "$2")"
    mf__run "dev$1" -- wg-quick up "$(dev_dir "$1")/$(basename "$2")"
}
# Pings from device N (or any exec target) to ADDR: one try of WAIT seconds.
pings() { # TARGET ADDR WAIT
    ml_exec "$1" -- ping -n -q -c 1 -W "$3" "$2" >/dev/null 2>&1
}
# Waits up to SECS for TARGET to reach ADDR (the first packets wait for handshakes and BGP).
reaches() { # TARGET ADDR SECS
    local end=$(( $(mf_now_ms) + $3 * 1000 ))
    until pings "$1" "$2" 1; do
        [ "$(mf_now_ms)" -lt "$end" ] || return 1
    done
}
# Every LAN client address of the mesh, IPv4 and IPv6.
lan_addresses() { local n; for n in $HOSTS; do printf '198.18.%s.100 fd00:18:%s::100 ' "$n" "$n"; done; }
# The value of KEY in a wg-quick config's first section that has it.
conf_value() { # FILE KEY
    awk -v k="$2" '{ line = $0; sub(/ *=.*/, "", line) } line == k { sub(/^[^=]*= */, ""); print; exit }' "$1"
}
# The JSON of the last command's stdout, read with node.
json() { # EXPRESSION (of `j`)
    node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(eval(process.argv[1]))' "$1" <<<"$MF_OUT"
}
# A listing of the site directory: names, sizes, modes and contents' hashes.
site_listing() { (cd "$D" && find . -type f -printf '%p %s %m\n' | sort && sha256sum "$SITE"); }

# ---------------------------------------------------------------- 1. mesh
log "lab up (3 hosts, 2 devices) and Knot; a site with a client pool, h1..h3 admitted and deployed"
LAB_UP=1
if ! ml_up -n 3 >/dev/null || ! ml_knot_start "$MF_ZONE" >/dev/null 2>&1 || ! ml_device_up 1 || ! ml_device_up 2; then
    bad "lab did not come up"; verdict mesh ""; echo "$PASSED passed, $((FAILED + 8)) failed"; exit 1
fi
D=$(mf__site)
SITE=$D/wgmesh.yaml
mf_site_init || bad "site: $MF_ERR"
printf 'clients:\n  pool-ipv4: %s\n' "$POOL4" >>"$SITE"
mf__run site -- "$MF_BIN/wgsite" "$SITE" >/dev/null || bad "the site file with a clients section: $MF_ERR"
for n in $HOSTS; do mf_enrol "$n" || bad "enrol h$n: $MF_ERR"; done
# shellcheck disable=SC2086
mf_admit $HOSTS || bad "admit: $MF_ERR"
mf_publish || bad "wgpub: $MF_ERR"
CONV=-
# shellcheck disable=SC2086
if deploy_all $HOSTS && ! CONV=$(mf_wait_converged 60 $HOSTS); then
    mf_sessions_ok $HOSTS; e=$MF_ERR
    mf_matrix_ok $HOSTS
    bad "not converged 60 s after the last wgdeploy: $e $MF_ERR"
fi
verdict mesh "3 hosts: BGP Established, BFD Up, every LAN pair reachable in ${CONV} ms"

# ---------------------------------------------------------------- 2. add
log "add: laptop (key made by the site, on h1), phone (its own key, on h2 and h3)"
LAPTOP=$D/cl-laptop.conf
PHONE=$D/cl-phone.conf
if mf__run site -- "$MF_BIN/wgsite" --add-client laptop --attach h1 --generate-key --qr-png "$D/laptop.png" --yes "$SITE"; then
    printf '%s\n' "$MF_OUT" >"$LAPTOP"
    chmod 0600 "$LAPTOP"
else
    bad "wgsite --add-client laptop --generate-key exited $?: $MF_ERR"
fi
LAPTOP_KEY=$(conf_value "$LAPTOP" PrivateKey)
LAPTOP_PUB=$(wg pubkey <<<"$LAPTOP_KEY" 2>/dev/null)
[ -n "$LAPTOP_PUB" ] || bad "the laptop's config has no valid PrivateKey"
# Only the config printed (saved by this script) and the PNG asked for hold it.
STORED=$(grep -rlF -- "$LAPTOP_KEY" "$D" 2>/dev/null | grep -v -e "^$LAPTOP\$" -e "^$D/laptop.png\$")
[ -z "$LAPTOP_KEY" ] || [ -z "$STORED" ] || bad "the site stored the laptop's private key in $STORED"
grep -qF -- "$LAPTOP_PUB" "$SITE" || bad "the site file does not hold the laptop's public key"
(umask 077 && wg genkey >"$D/phone.key")
PHONE_PUB=$(wg pubkey <"$D/phone.key")
mf__run site -- "$MF_BIN/wgsite" --add-client phone --attach h2,h3 --key "$PHONE_PUB" --yes "$SITE" ||
    bad "wgsite --add-client phone --key exited $?: $MF_ERR"
if mf__run site -- "$MF_BIN/wgsite" --client-config phone --private-key-file "$D/phone.key" --qr-png "$D/phone.png" "$SITE"; then
    printf '%s\n' "$MF_OUT" >"$PHONE"
    chmod 0600 "$PHONE"
else
    bad "wgsite --client-config phone exited $?: $MF_ERR"
fi
mf__run site -- "$MF_BIN/wgsite" --list --json "$SITE" || bad "wgsite --list --json: $MF_ERR"
CLIENTS=$(json 'j.clients.map(c => c.name + ":" + c.attach.join("+")).join(" ")')
[ "$CLIENTS" = "laptop:h1 phone:h2+h3" ] || bad "wgsite --list --json shows clients '$CLIENTS', want laptop:h1 phone:h2+h3"
verdict add "clients $CLIENTS; the laptop's private key printed once, stored nowhere"

# ---------------------------------------------------------------- 3. config
log "config: wg-quick strip accepts both configs; addresses from the pools"
for f in "$LAPTOP" "$PHONE"; do
    wg-quick strip "$f" >/dev/null 2>"$D/strip.err" || bad "wg-quick strip $(basename "$f"): $(cat "$D/strip.err")"
done
LAPTOP_ADDR=$(conf_value "$LAPTOP" Address)
PHONE_ADDR=$(conf_value "$PHONE" Address)
LAPTOP4=$(tr ',' '\n' <<<"$LAPTOP_ADDR" | tr -d ' ' | grep -m1 '\.' | cut -d/ -f1)
LAPTOP6=$(tr ',' '\n' <<<"$LAPTOP_ADDR" | tr -d ' ' | grep -m1 ':' | cut -d/ -f1)
PHONE4=$(tr ',' '\n' <<<"$PHONE_ADDR" | tr -d ' ' | grep -m1 '\.' | cut -d/ -f1)
PHONE6=$(tr ',' '\n' <<<"$PHONE_ADDR" | tr -d ' ' | grep -m1 ':' | cut -d/ -f1)
[[ $LAPTOP4 == 198.19.250.* && $PHONE4 == 198.19.250.* ]] || bad "IPv4 addresses '$LAPTOP4' '$PHONE4' are not in $POOL4"
[ -n "$LAPTOP6" ] && [ -n "$PHONE6" ] || bad "no IPv6 addresses: '$LAPTOP_ADDR' '$PHONE_ADDR'"
[ "$(grep -c '^\[Peer\]' "$PHONE")" = 2 ] || bad "the phone's config has $(grep -c '^\[Peer\]' "$PHONE") peers, want 2 (h2, h3)"
verdict config "laptop $LAPTOP_ADDR, phone $PHONE_ADDR; wg-quick strip accepts both"

# ---------------------------------------------------------------- 4. qr
log "qr: the PNGs decode (zbarimg) to the configs"
for c in laptop phone; do
    # zbarimg complains about D-Bus on stderr in a machine without it: only stdout counts.
    got=$(zbarimg -q --raw "$D/$c.png" 2>/dev/null)
    [ "$got" = "$(cat "$D/cl-$c.conf")" ] || bad "the $c QR code decodes to something else: $(diff <(printf '%s\n' "$got") "$D/cl-$c.conf" | head -5 | tr '\n' ' ')"
    [ "$(stat -c %a "$D/$c.png")" = 600 ] || bad "$c.png is not 0600 (it holds the private key)"
done
verdict qr "laptop.png and phone.png decode to their configs byte for byte"

# ---------------------------------------------------------------- 5. reach
log "reach: wgpub, wgdeploy, wg-quick up on the devices; every LAN both ways, IPv4 and IPv6"
mf_publish || bad "wgpub: $MF_ERR"
# shellcheck disable=SC2086
deploy_all $HOSTS
dev_up 1 "$LAPTOP" || bad "wg-quick up on dev1: $MF_ERR"
dev_up 2 "$PHONE" || bad "wg-quick up on dev2: $MF_ERR"
T0=$(mf_now_ms)
REACHED=0
for a in $(lan_addresses); do
    for dv in 1 2; do
        if reaches "dev$dv" "$a" 20; then REACHED=$((REACHED + 1)); else bad "dev$dv does not reach $a"; fi
    done
done
FIRST=$(( $(mf_now_ms) - T0 ))
for n in $HOSTS; do
    for a in "$LAPTOP4" "$LAPTOP6" "$PHONE4" "$PHONE6"; do
        if pings "h$n-lan" "$a" 2; then REACHED=$((REACHED + 1)); else bad "h$n's LAN does not reach the client at $a"; fi
    done
done
verdict reach "$REACHED of 24 (2 devices to 6 LAN addresses, 3 LANs to 4 client addresses), all within $FIRST ms of wg-quick up"

# ---------------------------------------------------------------- 6. routes
log "routes: the interfaces on the attached hosts, the mesh sends to the phone through its primary h2"
ml_exec "h1/$MF_LOCUS" -- ip link show wgc1 >/dev/null 2>&1 || bad "h1 has no wgc1 (the laptop)"
for n in 2 3; do
    ml_exec "h$n/$MF_LOCUS" -- ip link show wgc2 >/dev/null 2>&1 || bad "h$n has no wgc2 (the phone)"
done
ml_exec "h1/$MF_LOCUS" -- ip link show wgc2 >/dev/null 2>&1 && bad "h1 has wgc2, but the phone does not attach to it"
ka=$(ml_exec "h1/$MF_LOCUS" -- wg show wgc1 persistent-keepalive | awk '{print $2}')
[ "$ka" = 25 ] || bad "h1's wgc1 keepalive is '$ka', want 25"
dev=$(mf_route_dev 1 "$PHONE4")
[ "$dev" = wg2 ] || bad "h1 routes the phone ($PHONE4) via '$dev', want wg2 (its primary, h2)"
verdict routes "h1: wgc1 (keepalive $ka), h2 and h3: wgc2; h1 sends to the phone via $dev"

# ---------------------------------------------------------------- 7. refusals
log "refusals: bad key, duplicate key and name, a host's name, an address outside the pools"
BEFORE=$(site_listing)
CODES=()
refuse() { # WHAT WANT-IN-MESSAGE ARGS...
    local what=$1 want=$2 rc
    shift 2
    mf__run site -- "$MF_BIN/wgsite" "$@" --yes "$SITE"
    rc=$?
    CODES+=("$what=$rc")
    if [ "$rc" = 0 ]; then
        bad "$what: accepted"
    elif ! grep -qi -- "$want" <<<"$MF_ERR"; then
        bad "$what: exit $rc without naming '$want': $MF_ERR"
    fi
    [ "$BEFORE" = "$(site_listing)" ] || bad "$what: the site directory changed"
}
refuse not-a-key "key" --add-client tablet --attach h1 --key not-a-key
refuse dup-key "key of client phone" --add-client tablet --attach h1 --key "$PHONE_PUB"
refuse dup-name "phone" --add-client phone --attach h1 --key "$(wg genkey | wg pubkey)"
refuse host-name "h3" --add-client h3 --attach h1 --key "$(wg genkey | wg pubkey)"
refuse outside-pool "192.0.2.5" --add-client tablet --attach h1 --key "$(wg genkey | wg pubkey)" --address 192.0.2.5
verdict refusals "${CODES[*]}; the site directory unchanged"

# ---------------------------------------------------------------- 8. remove
log "remove: the laptop removed, published, deployed: it reaches nothing, the phone everything"
mf__run site -- "$MF_BIN/wgsite" --remove-client laptop --yes "$SITE" || bad "wgsite --remove-client exited $?: $MF_ERR"
grep -qF -- "$LAPTOP_PUB" "$SITE" && bad "the site file still holds the laptop's key"
mf_publish || bad "wgpub: $MF_ERR"
# shellcheck disable=SC2086
deploy_all $HOSTS
ml_exec "h1/$MF_LOCUS" -- ip link show wgc1 >/dev/null 2>&1 && bad "h1 still has wgc1"
GONE=0
for a in $(lan_addresses); do
    if pings dev1 "$a" 1; then bad "the removed laptop still reaches $a"; else GONE=$((GONE + 1)); fi
    pings dev2 "$a" 2 || bad "the phone no longer reaches $a"
done
verdict remove "the laptop reaches $GONE of 6 LAN addresses no longer; wgc1 gone from h1; the phone unaffected"

for dv in 1 2; do ml_exec "dev$dv" -- sh -c 'for c in '"$(dev_dir "$dv")"'/*.conf; do wg-quick down "$c"; done' >/dev/null 2>&1; done
teardown_verdict
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
