#!/bin/bash
# prototype-mesh.sh: hand-written proof of the network design that wgmesh will render (docs/lab.md).
#
#   lab/prototype-mesh.sh [--keep] [--hosts N] [--bfd-ms MS] [--bfd-mult K] [-p PREFIX]
#
# Brings up N (default 3) simulated hosts with lab/meshlab.sh and configures, inside each host, by
# hand: the mesh netns, one wireguard-go interface per peer, Shorewall (v4 and v6) in the host netns,
# BIRD 2 with eBGP + BFD per link in the mesh netns. Then verifies reachability, BGP/BFD state, cuts
# the h1-h2 link under a 10 ms ping probe, measures the loss and restores it. Prints a summary and
# tears everything down (unless --keep). Exit status 0 only if every check passed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ML_PREFIX=${ML_PREFIX:-wgp}          # the prototype's own lab prefix (meshlab's default is wgl)
ML_STATE=${ML_STATE:-}
# shellcheck source=meshlab.sh
. "$HERE/meshlab.sh"

KEEP=0
CT_FLUSH=1
NHOSTS=3
BFD_MS=${BFD_MS:-100}
BFD_MULT=${BFD_MULT:-3}
while [ $# -gt 0 ]; do
    case $1 in
        --keep) KEEP=1; shift ;;
        --no-ct-flush) CT_FLUSH=0; shift ;;   # show the conntrack pitfall (late-join check fails)
        --hosts) NHOSTS=$2; shift 2 ;;
        --bfd-ms) BFD_MS=$2; shift 2 ;;
        --bfd-mult) BFD_MULT=$2; shift 2 ;;
        -p) ML_PREFIX=$2; shift 2 ;;
        *) echo "usage: $0 [--keep] [--hosts N] [--bfd-ms MS] [--bfd-mult K] [--no-ct-flush] [-p PREFIX]" >&2; exit 2 ;;
    esac
done
ML_STATE=/tmp/wgl-$ML_PREFIX
[ "$NHOSTS" -ge 3 ] || { echo "need at least 3 hosts (failover goes via h3)" >&2; exit 2; }

# ---------------------------------------------------------------- the design's parameters
MESH_NS=mesh1                    # mesh netns name (wgmesh: configurable, default the locus)
VETH_HOST=to-$MESH_NS            # veth end in the host (default) netns
VETH_MESH=to-host                # veth end inside the mesh netns
VETH_NET=169.254.77.0/30         # the veth link
VETH_HOST_IP=169.254.77.1        # /30, host side
VETH_MESH_IP=169.254.77.2        # /30, mesh side: DNAT target of the WireGuard ports
PORT_BASE=51000                  # host A listens for peer B on PORT_BASE + number(B)
TUNNEL_PREFIX=fd77:6d65:7368     # the mesh's /48 tunnel prefix (first 3 hextets)
ASN_BASE=4200000000              # 4-byte private ASNs: ASN = ASN_BASE + host number
MESH_V4=198.18.0.0/15            # allowed LAN prefixes (import/export filters: these and longer)
MESH_V6=fd00:18::/32
PUB_IF=pub0
LAN_IF=lan0
BIRD_CONF=/etc/bird/bird-$MESH_NS.conf
BIRD_SOCK=/run/bird/bird-$MESH_NS.ctl

# ---------------------------------------------------------------- helpers
T0=$(date +%s%N)
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
say() { printf '[%6.2fs] %s\n' "$(echo "scale=2; $(ms_since "$T0")/1000" | bc)" "$*"; }
FAILS=0
RESULTS=()
check() { # DESCRIPTION CMD... ; records PASS/FAIL
    local d=$1; shift
    if "$@"; then RESULTS+=("PASS  $d"); else RESULTS+=("FAIL  $d"); FAILS=$((FAILS + 1)); say "FAIL: $d"; fi
}
hx() { printf '%x' "$1"; }                       # host number as an IPv6 hextet
lo() { [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }
hi() { [ "$1" -gt "$2" ] && echo "$1" || echo "$2"; }
# Link prefix of hosts a<b: TUNNEL_PREFIX:hex(a):hex(b)::/80; lower host ::1, higher ::2.
link_net() { echo "$TUNNEL_PREFIX:$(hx "$(lo "$1" "$2")"):$(hx "$(hi "$1" "$2")")"; }
link_addr() { # ME PEER -> my address on the link
    local n; n=$(link_net "$1" "$2")
    [ "$1" -lt "$2" ] && echo "$n::1" || echo "$n::2"
}
router_id() { local n=$1; echo "$((n >> 24 & 255)).$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))"; }
peers_of() { local j; for j in $(seq 1 "$NHOSTS"); do [ "$j" = "$1" ] || echo "$j"; done; }
X() { ml_exec "$@"; }                               # X hN -- cmd...
# Write stdin atomically to PATH inside host hN with MODE (as the renderer will: temp file + rename).
put() { # hN MODE PATH
    ml_exec "$1" -- sh -c 'umask 077; t="$1.tmp.$$"; cat >"$t" && chmod "$2" "$t" && mv -f "$t" "$1"' put "$3" "$2"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ "$KEEP" = 1 ]; then
        echo "lab kept (prefix $ML_PREFIX, state $ML_STATE); remove with: $HERE/meshlab.sh -p $ML_PREFIX down"
    else
        ml_down || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- templates (hand-written)

render_wg() { # ME PEER
    local me=$1 p=$2
    cat <<EOF
# wgmesh: WireGuard link h$me <-> h$p (peer number $p). Generated; wg(8) setconf format.
[Interface]
PrivateKey = ${PRIV[$me]}
ListenPort = $((PORT_BASE + p))

[Peer]
# h$p
PublicKey = ${PUB[$p]}
Endpoint = 203.0.113.$p:$((PORT_BASE + me))
AllowedIPs = 0.0.0.0/0, ::/0
PersistentKeepalive = 25
EOF
}

render_bird() { # ME
    local me=$1 p
    cat <<EOF
# wgmesh: BIRD 2 for mesh netns $MESH_NS on h$me (host number $me). Generated.
log stderr all;
debug protocols { states };
router id $(router_id "$me");

define MESH_ASN = $((ASN_BASE + me));

# Only the mesh's LAN prefixes (and longer) travel over the mesh; never a default route.
function mesh_v4() { return net ~ [ $MESH_V4+ ] && net.len > 0; }
function mesh_v6() { return net ~ [ $MESH_V6+ ] && net.len > 0; }

filter mesh_import_v4 { if mesh_v4() then accept; reject; }
filter mesh_import_v6 { if mesh_v6() then accept; reject; }
filter mesh_export_v4 { if mesh_v4() then accept; reject; }
filter mesh_export_v6 { if mesh_v6() then accept; reject; }

protocol device {
    scan time 10;
}

# The LAN (trust) interfaces' connected prefixes.
protocol direct lan {
    ipv4;
    ipv6;
    interface "$LAN_IF";
}

# Routes learned over the mesh (and local static ones) go to the kernel; nothing is learned from it.
protocol kernel kernel4 {
    ipv4 { import none; export where source ~ [ RTS_BGP, RTS_STATIC ]; };
}

protocol kernel kernel6 {
    ipv6 { import none; export where source ~ [ RTS_BGP, RTS_STATIC ]; };
}

protocol bfd mesh_bfd {
    interface "wg*" {
        min rx interval $BFD_MS ms;
        min tx interval $BFD_MS ms;
        idle tx interval 1000 ms;
        multiplier $BFD_MULT;
    };
}

template bgp mesh_peer {
    local as MESH_ASN;
    bfd on;
    hold time 9;
    keepalive time 3;
    connect delay time 1;
    connect retry time 2;
    error wait time 1, 2;
    ipv4 {
        extended next hop on;
        import filter mesh_import_v4;
        export filter mesh_export_v4;
    };
    ipv6 {
        import filter mesh_import_v6;
        export filter mesh_export_v6;
    };
}
EOF
    for p in $(peers_of "$me"); do
        cat <<EOF

protocol bgp wg$p from mesh_peer {
    description "h$p";
    interface "wg$p";
    source address $(link_addr "$me" "$p");
    neighbor $(link_addr "$p" "$me") as $((ASN_BASE + p));
}
EOF
    done
    cat <<EOF

include "/etc/bird/bird-$MESH_NS.d/*.conf";
EOF
}

# Plumbing of the mesh netns (run inside the host). stop undoes it and gives lan0 back.
render_netns_script() { # ME
    local me=$1
    cat <<EOF
#!/bin/sh
# wgmesh: mesh netns $MESH_NS on h$me. Generated. Usage: $MESH_NS-netns.sh start|stop
set -e
NS=$MESH_NS
case "\${1:-}" in
start)
    ip netns add \$NS
    ip -n \$NS link set lo up
    ip netns exec \$NS sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \\
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \\
        net.ipv6.conf.default.accept_dad=0
    ip link add $VETH_HOST type veth peer name $VETH_MESH netns \$NS
    ip addr add $VETH_HOST_IP/30 dev $VETH_HOST
    ip link set $VETH_HOST up
    ip -n \$NS addr add $VETH_MESH_IP/30 dev $VETH_MESH
    ip -n \$NS link set $VETH_MESH up
    # Everything not learned over the mesh leaves through the host netns (NAT there) ...
    ip -n \$NS route add default via $VETH_HOST_IP dev $VETH_MESH
    # ... except the mesh prefixes: with no BGP route they are unreachable, never sent out in clear.
    ip -n \$NS route add unreachable $MESH_V4 metric 4278198272
    ip -n \$NS -6 route add unreachable $MESH_V6 metric 4278198272
    # The LAN interface moves into the mesh netns (addresses do not survive the move).
    ip link set $LAN_IF netns \$NS
    ip -n \$NS addr add 198.18.$me.1/24 dev $LAN_IF
    ip -n \$NS addr add fd00:18:$me::1/64 dev $LAN_IF nodad
    ip -n \$NS link set $LAN_IF up
    # The host netns reaches (and masquerades for) the local LAN through the veth.
    ip route add 198.18.$me.0/24 via $VETH_MESH_IP dev $VETH_HOST
    ;;
stop)
    ip route del 198.18.$me.0/24 via $VETH_MESH_IP dev $VETH_HOST 2>/dev/null || true
    if ip -n \$NS link show $LAN_IF >/dev/null 2>&1; then
        ip -n \$NS addr flush dev $LAN_IF
        ip -n \$NS link set $LAN_IF netns \$\$    # back into the netns of this shell
        ip addr add 198.18.$me.1/24 dev $LAN_IF
        ip addr add fd00:18:$me::1/64 dev $LAN_IF nodad
        ip link set $LAN_IF up
    fi
    ip link del $VETH_HOST 2>/dev/null || true
    ip netns del \$NS
    ;;
*) echo "usage: \$0 start|stop" >&2; exit 2 ;;
esac
EOF
}

render_sw_zones() {
    cat <<'EOF'
# wgmesh: Shorewall zones. Generated.
#ZONE   TYPE        OPTIONS
fw      firewall
net     ipv4
loc     ipv4
EOF
}
render_sw_interfaces() {
    cat <<EOF
# wgmesh: Shorewall interfaces. Generated.
?FORMAT 2
#ZONE  INTERFACE       OPTIONS
net    $PUB_IF            tcpflags,nosmurfs,routefilter,logmartians,sourceroute=0
loc    $VETH_HOST        tcpflags,routefilter
EOF
}
render_sw_policy() {
    cat <<'EOF'
# wgmesh: Shorewall policy. Generated.
#SOURCE  DEST   POLICY   LOGLEVEL
$FW      all    ACCEPT
loc      net    ACCEPT
net      all    DROP     info
all      all    REJECT   info
EOF
}
render_sw_rules() { # ME
    local me=$1 ports
    ports=$(for p in $(peers_of "$me"); do echo $((PORT_BASE + p)); done | paste -sd,)
    cat <<EOF
# wgmesh: Shorewall rules. Generated.
#ACTION        SOURCE  DEST                   PROTO  DPORT
?SECTION NEW
# WireGuard: one UDP port per peer (port base + peer number), forwarded into the mesh netns.
DNAT           net     loc:$VETH_MESH_IP        udp    $ports
Ping(ACCEPT)   net     \$FW
Ping(ACCEPT)   loc     \$FW
SSH(ACCEPT)    loc     \$FW
EOF
}
render_sw_snat() { # ME
    cat <<EOF
# wgmesh: Shorewall snat. Generated.
#ACTION       SOURCE                               DEST
MASQUERADE    $VETH_NET,198.18.$1.0/24      $PUB_IF
EOF
}
render_sw_conf() { # stock shorewall.conf with the forwarding the design needs
    sed -e 's/^IP_FORWARDING=.*/IP_FORWARDING=On/' -e 's/^STARTUP_ENABLED=.*/STARTUP_ENABLED=Yes/' /etc/shorewall/shorewall.conf
}
render_sw6_zones() {
    cat <<'EOF'
# wgmesh: Shorewall6 zones. Generated.
#ZONE   TYPE        OPTIONS
fw      firewall
net     ipv6
loc     ipv6
EOF
}
render_sw6_interfaces() {
    cat <<EOF
# wgmesh: Shorewall6 interfaces. Generated.
?FORMAT 2
#ZONE  INTERFACE       OPTIONS
net    $PUB_IF            tcpflags,sourceroute=0
loc    $VETH_HOST        tcpflags
EOF
}
render_sw6_policy() { render_sw_policy | sed 's/Shorewall policy/Shorewall6 policy/'; }
render_sw6_rules() {
    cat <<'EOF'
# wgmesh: Shorewall6 rules. Generated.
#ACTION        SOURCE  DEST   PROTO  DPORT
?SECTION NEW
Ping(ACCEPT)   net     $FW
Ping(ACCEPT)   loc     $FW
SSH(ACCEPT)    loc     $FW
EOF
}
render_sw6_conf() {
    sed -e 's/^IP_FORWARDING=.*/IP_FORWARDING=Keep/' -e 's/^STARTUP_ENABLED=.*/STARTUP_ENABLED=Yes/' /etc/shorewall6/shorewall6.conf
}

# ---------------------------------------------------------------- bring up

say "lab up: $NHOSTS hosts, prefix $ML_PREFIX"
if [ -e "$ML_STATE/lab.env" ]; then say "stale lab found, removing it"; ml_down; fi
ml_up -n "$NHOSTS"

declare -A PRIV PUB
for i in $(seq 1 "$NHOSTS"); do
    PRIV[$i]=$(wg genkey)
    PUB[$i]=$(printf '%s' "${PRIV[$i]}" | wg pubkey)
done

say "render configs into each host's /etc (atomic writes, secrets 0600)"
for i in $(seq 1 "$NHOSTS"); do
    h=h$i
    printf '%s\n' "${PRIV[$i]}" | put $h 0600 /etc/wgmesh/host.key
    for p in $(peers_of "$i"); do render_wg "$i" "$p" | put $h 0600 "/etc/wireguard/wg$p.conf"; done
    render_netns_script "$i" | put $h 0755 "/etc/wgmesh/$MESH_NS-netns.sh"
    X $h -- sh -c "mkdir -p /etc/bird/bird-$MESH_NS.d /etc/wgmesh/staging/shorewall /etc/wgmesh/staging/shorewall6"
    printf '# Site-specific BIRD additions for %s (kept by wgmesh).\n' "$MESH_NS" | put $h 0644 "/etc/bird/bird-$MESH_NS.d/README.conf"
    render_bird "$i" | put $h 0640 "$BIRD_CONF"
    X $h -- chgrp -R bird /etc/bird
    S=/etc/wgmesh/staging/shorewall
    render_sw_conf | put $h 0644 $S/shorewall.conf
    render_sw_zones | put $h 0644 $S/zones
    render_sw_interfaces | put $h 0644 $S/interfaces
    render_sw_policy | put $h 0644 $S/policy
    render_sw_rules "$i" | put $h 0644 $S/rules
    render_sw_snat "$i" | put $h 0644 $S/snat
    S=/etc/wgmesh/staging/shorewall6
    render_sw6_conf | put $h 0644 $S/shorewall6.conf
    render_sw6_zones | put $h 0644 $S/zones
    render_sw6_interfaces | put $h 0644 $S/interfaces
    render_sw6_policy | put $h 0644 $S/policy
    render_sw6_rules | put $h 0644 $S/rules
done

say "validate before changing anything: bird -p, shorewall check, shorewall6 check (staging dirs)"
for i in $(seq 1 "$NHOSTS"); do
    X h$i -- bird -p -c "$BIRD_CONF"
    X h$i -- shorewall -q check /etc/wgmesh/staging/shorewall >"$ML_STATE/logs/h$i-shorewall-check.log" 2>&1 ||
        { cat "$ML_STATE/logs/h$i-shorewall-check.log"; exit 1; }
    X h$i -- shorewall6 -q check /etc/wgmesh/staging/shorewall6 >"$ML_STATE/logs/h$i-shorewall6-check.log" 2>&1 ||
        { cat "$ML_STATE/logs/h$i-shorewall6-check.log"; exit 1; }
done

say "mesh netns plumbing ($MESH_NS-netns.sh start) on every host"
for i in $(seq 1 "$NHOSTS"); do X h$i -- /etc/wgmesh/$MESH_NS-netns.sh start; done

# Shorewall v4 + v6 from the validated staging dirs into /etc, then start (or reload) in the host netns.
shorewall_start() { # hN start|reload
    X $1 -- sh -c 'cp -a /etc/wgmesh/staging/shorewall/. /etc/shorewall/ && cp -a /etc/wgmesh/staging/shorewall6/. /etc/shorewall6/'
    X $1 -- shorewall -q "$2" /etc/shorewall >>"$ML_STATE/logs/$1-shorewall-$2.log" 2>&1 ||
        { cat "$ML_STATE/logs/$1-shorewall-$2.log"; return 1; }
    X $1 -- shorewall6 -q "$2" /etc/shorewall6 >>"$ML_STATE/logs/$1-shorewall6-$2.log" 2>&1 ||
        { cat "$ML_STATE/logs/$1-shorewall6-$2.log"; return 1; }
}
# Drop conntrack entries of the WireGuard ports made before the DNAT rules existed (see docs/lab.md).
conntrack_flush_wg() { # N
    local p
    [ "$CT_FLUSH" = 1 ] && command -v conntrack >/dev/null || return 0
    for p in $(peers_of "$1"); do
        X h$1 -- conntrack -D -p udp --orig-port-dst $((PORT_BASE + p)) >/dev/null 2>&1 || true
    done
}
# One wireguard-go per peer (foreground, PID recorded), then wg setconf, link address, up.
wg_start() { # N
    local i=$1 p
    for p in $(peers_of "$i"); do
        ml_spawn h$i "h$i-wg$p" -- ip netns exec $MESH_NS wireguard-go -f "wg$p" >/dev/null
    done
    for p in $(peers_of "$i"); do
        X h$i -- sh -c "for n in \$(seq 1 300); do [ -S /run/wireguard/wg$p.sock ] && exit 0; sleep 0.01; done; exit 1"
        X h$i -- ip netns exec $MESH_NS wg setconf "wg$p" "/etc/wireguard/wg$p.conf"
        X h$i -- ip -n $MESH_NS addr add "$(link_addr "$i" "$p")/80" dev "wg$p" nodad
        X h$i -- ip -n $MESH_NS link set "wg$p" up
    done
}
bird_start() { # N
    ml_spawn h$1 "h$1-bird" -- ip netns exec $MESH_NS bird -f -u bird -g bird -c "$BIRD_CONF" -s "$BIRD_SOCK" -P /run/bird/bird-$MESH_NS.pid >/dev/null
}

say "install + start Shorewall in each host netns (before WireGuard: see the conntrack pitfall)"
for i in $(seq 1 "$NHOSTS"); do shorewall_start h$i start; conntrack_flush_wg "$i"; done

say "WireGuard: one wireguard-go interface per peer in $MESH_NS"
T_WG=$(date +%s%N)
for i in $(seq 1 "$NHOSTS"); do wg_start "$i"; done

say "BIRD in $MESH_NS on every host"
T_BIRD=$(date +%s%N)
for i in $(seq 1 "$NHOSTS"); do bird_start "$i"; done

birdc_h() { local h=$1; shift; X "$h" -- birdc -s "$BIRD_SOCK" "$@"; }
n_established() { birdc_h "$1" show protocols | awk '$2=="BGP" && $6=="Established"' | wc -l; }
n_bfd_up() { birdc_h "$1" show bfd sessions | awk '$3=="Up"' | wc -l; }
all_lans_ok() { # every LAN client reaches every other LAN client, v4 and v6 (one ping each, 1 s timeout)
    local i j ok=0
    for i in $(seq 1 "$NHOSTS"); do
        for j in $(seq 1 "$NHOSTS"); do
            [ "$i" = "$j" ] && continue
            X h$i-lan -- ping -q -c1 -W1 "198.18.$j.100" >/dev/null 2>&1 || ok=1
            X h$i-lan -- ping -6 -q -c1 -W1 "fd00:18:$j::100" >/dev/null 2>&1 || ok=1
        done
    done
    return $ok
}
mesh_converged() {
    local i
    for i in $(seq 1 "$NHOSTS"); do
        [ "$(n_established h$i)" = $((NHOSTS - 1)) ] && [ "$(n_bfd_up h$i)" = $((NHOSTS - 1)) ] || return 1
    done
}

say "wait for all BGP Established and BFD Up"
CONV_MS=-1
for n in $(seq 1 600); do
    if mesh_converged 2>/dev/null; then CONV_MS=$(ms_since "$T_BIRD"); break; fi
    sleep 0.05
done
say "converged ${CONV_MS} ms after BIRD start ($(ms_since "$T_WG") ms after first wireguard-go)"
check "all BGP sessions Established, all BFD sessions Up" test "$CONV_MS" -ge 0
REACH_MS=-1
for n in $(seq 1 100); do
    if all_lans_ok; then REACH_MS=$(ms_since "$T_BIRD"); break; fi
    sleep 0.1
done
say "full LAN reachability ${REACH_MS} ms after BIRD start"
check "every LAN client pings every other LAN client (IPv4 + IPv6)" test "$REACH_MS" -ge 0

echo "---- h1: birdc show protocols"; birdc_h h1 show protocols
echo "---- h1: birdc show bfd sessions"; birdc_h h1 show bfd sessions
echo "---- h1: ip route / ip -6 route in $MESH_NS"; X h1 -- ip -n $MESH_NS route; X h1 -- ip -n $MESH_NS -6 route | grep -v '^fe80'
echo "---- h1: wg show (handshakes)"; X h1 -- ip netns exec $MESH_NS wg show all latest-handshakes

# LAN -> "internet" through the host netns masquerade (the site controller answers pings).
check "h1 LAN client reaches 203.0.113.250 via masquerade on pub0" X h1-lan -- ping -q -c1 -W1 203.0.113.250
# No default route was learned anywhere, and mesh prefixes never go out the veth.
no_bgp_default() {
    local i
    for i in $(seq 1 "$NHOSTS"); do
        X h$i -- ip -n $MESH_NS route show proto bird | grep -q '^default' && return 1
        X h$i -- ip -n $MESH_NS -6 route show proto bird | grep -q '^default' && return 1
    done
    return 0
}
check "no BGP default route on any host" no_bgp_default

# ---------------------------------------------------------------- failover
PROBE_S=8
INTERVAL=0.01
probe() { # TARGET ADDR OUTFILE [-6]
    # -c, not -w: a deadline would count the last in-flight probe as lost.
    X h1-lan -- ping ${4:-} -D -O -i $INTERVAL -W 1 -c "$(echo "$PROBE_S / $INTERVAL" | bc)" "$2" >"$3" 2>&1 || true
}
route_dev() { X h1 -- ip -n $MESH_NS route get 198.18.2.100 | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -1; }
route6_dev() { X h1 -- ip -n $MESH_NS -6 route get fd00:18:2::100 | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -1; }
h3_bytes() { X h3 -- ip netns exec $MESH_NS wg show all transfer | awk '{s+=$3+$4} END {print s}'; }
# Loss figures of a ping -D -O log: lost count, and the longest gap between two replies (ms).
loss_stats() { # FILE -> "sent received lost maxgap_ms"
    awk '/bytes from/ { gsub(/[\[\]]/, "", $1); t=$1*1000; if (prev) { g=t-prev; if (g>max) max=g }; prev=t; r++ }
         /transmitted/ { s=$1; rc=$4 }
         END { printf "%d %d %d %.0f\n", s, rc, s-rc, max }' "$1"
}

say "failover: ${PROBE_S}s ping probe every ${INTERVAL}s h1-lan -> h2-lan (v4 + v6); cut h1-h2 at 2 s"
check "before the cut, h1 routes to h2's LAN over wg2" test "$(route_dev)" = wg2
P4=$ML_STATE/logs/probe-cut-v4.log; P6=$ML_STATE/logs/probe-cut-v6.log
probe h1-lan 198.18.2.100 "$P4" & PR4=$!
probe h1-lan fd00:18:2::100 "$P6" -6 & PR6=$!
sleep 2
B3=$(h3_bytes)
T_CUT=$(date +%s%N)
ml_block h1 h2
say "h1-h2 UDP blocked on the internet bridge"
SWITCH_MS=-1
for n in $(seq 1 400); do
    if [ "$(route_dev)" = wg3 ]; then SWITCH_MS=$(ms_since "$T_CUT"); break; fi
    sleep 0.01
done
say "h1's route to h2's LAN moved to wg3 after ${SWITCH_MS} ms"
sleep 1
DEV6=$(route6_dev)
wait $PR4 $PR6 || true
A3=$(h3_bytes)
read -r S4 R4 L4 G4 <<<"$(loss_stats "$P4")"
read -r S6 R6 L6 G6 <<<"$(loss_stats "$P6")"
LOSS4_MS=$(echo "$L4 * $INTERVAL * 1000" | bc | cut -d. -f1)
LOSS6_MS=$(echo "$L6 * $INTERVAL * 1000" | bc | cut -d. -f1)
say "v4: sent $S4 lost $L4 (= ${LOSS4_MS} ms), longest gap ${G4} ms; v6: sent $S6 lost $L6 (= ${LOSS6_MS} ms), longest gap ${G6} ms"
check "during the cut, h1 routes to h2's LAN over wg3 (via h3), IPv4 and IPv6" test "$SWITCH_MS" -ge 0 -a "$DEV6" = wg3
check "during the cut, traffic crosses h3 (its wg byte counters grew by $((A3 - B3)))" test $((A3 - B3)) -gt 100000
check "IPv4 loss window under 500 ms (lost x interval ${LOSS4_MS} ms, longest reply gap ${G4} ms)" test "${G4:-9999}" -lt 500
check "IPv6 loss window under 500 ms (lost x interval ${LOSS6_MS} ms, longest reply gap ${G6} ms)" test "${G6:-9999}" -lt 500
echo "---- h1 during the cut: birdc show protocols"; birdc_h h1 show protocols

say "restore: unblock h1-h2 under a new probe"
P4R=$ML_STATE/logs/probe-restore-v4.log
probe h1-lan 198.18.2.100 "$P4R" & PR4=$!
sleep 1
T_UN=$(date +%s%N)
ml_unblock h1 h2
BACK_MS=-1
for n in $(seq 1 3000); do
    if [ "$(route_dev)" = wg2 ]; then BACK_MS=$(ms_since "$T_UN"); break; fi
    sleep 0.01
done
say "direct route h1->h2 back after ${BACK_MS} ms"
wait $PR4 || true
read -r S4R R4R L4R G4R <<<"$(loss_stats "$P4R")"
check "after unblock the direct path returns (${BACK_MS} ms)" test "$BACK_MS" -ge 0
check "no loss while the direct path returns (lost $L4R of $S4R)" test "${L4R:-1}" -eq 0
for n in $(seq 1 200); do mesh_converged 2>/dev/null && break; sleep 0.05; done
check "after restore, all BGP Established and BFD Up again" mesh_converged

# ---------------------------------------------------------------- reload without disruption
say "shorewall reload + shorewall6 reload + birdc configure on h1 and h2 under a probe"
P4L=$ML_STATE/logs/probe-reload-v4.log
PROBE_S=4
probe h1-lan 198.18.2.100 "$P4L" & PR4=$!
sleep 1
for h in h1 h2; do
    shorewall_start $h reload
    birdc_h $h configure >/dev/null
done
wait $PR4 || true
read -r S4L R4L L4L G4L <<<"$(loss_stats "$P4L")"
check "reload of Shorewall and BIRD loses no probe (lost $L4L of $S4L)" test "${L4L:-1}" -eq 0
check "after reloads, all BGP Established and BFD Up" mesh_converged

# ---------------------------------------------------------------- stop h3, then h3 joins late
say "stop h3: daemons, then $MESH_NS-netns.sh stop (gives lan0 back to the host netns)"
for pid in $(awk '$3 ~ /^h3-(wg[0-9]+|bird)$/ {print $1}' "$ML_STATE/pids" | sort -u); do kill "$pid" 2>/dev/null || true; done
sleep 0.3
X h3 -- /etc/wgmesh/$MESH_NS-netns.sh stop
h3_lan_back() {
    X h3 -- ip -br addr show lan0 | grep -q 198.18.3.1/24 && ! X h3 -- ip netns list | grep -q "^$MESH_NS"
}
check "h3: lan0 back in the host netns with its address, $MESH_NS gone" h3_lan_back

# Late joiner: its peers already send WireGuard packets to it before its DNAT rules exist (first
# deploy on a host that already runs a firewall). With Shorewall's "net all DROP" policy those packets
# are dropped before conntrack confirms an entry, so nothing stale is left; on a host whose firewall
# ACCEPTs them (or has none, with conntrack active) each one makes an un-NATed conntrack entry that
# the peer's retries keep alive, and a DNAT rule loaded later does not apply to it (docs/lab.md).
say "late join of h3: its firewall runs without the DNAT rules while peers send to it"
X h3 -- sh -c "sed -i '/^DNAT/d' /etc/shorewall/rules"
X h3 -- shorewall -q reload /etc/shorewall >/dev/null 2>&1
command -v conntrack >/dev/null && X h3 -- conntrack -F >/dev/null 2>&1
sleep 6     # BIRD on h1/h2 keeps trying h3, WireGuard keeps sending to 203.0.113.3
STALE=-1
command -v conntrack >/dev/null &&
    STALE=$(X h3 -- conntrack -L -p udp 2>/dev/null | grep UNREPLIED | grep -c "dport=$((PORT_BASE + 3)) " || true)
say "h3 has $STALE un-NATed conntrack entries of peers' WireGuard packets (-1: no conntrack tool)"
T_JOIN=$(date +%s%N)
shorewall_start h3 reload
conntrack_flush_wg 3
X h3 -- /etc/wgmesh/$MESH_NS-netns.sh start
wg_start 3
T_JOIN_BIRD=$(date +%s%N)
bird_start 3
JOIN_MS=-1
for n in $(seq 1 300); do
    mesh_converged 2>/dev/null && { JOIN_MS=$(ms_since "$T_JOIN"); JOIN_BIRD_MS=$(ms_since "$T_JOIN_BIRD"); break; }
    sleep 0.05
done
say "h3 rejoined: all sessions up ${JOIN_MS} ms after its Shorewall reload, ${JOIN_BIRD_MS:-?} ms after its BIRD start"
check "late join: all BGP Established and BFD Up again (${JOIN_MS} ms)" test "$JOIN_MS" -ge 0
check "late join: every LAN reaches every LAN" all_lans_ok
ep_ok() {
    X h1 -- ip netns exec $MESH_NS wg show wg3 endpoints | grep -q "203.0.113.3:$((PORT_BASE + 1))\$" &&
        X h2 -- ip netns exec $MESH_NS wg show wg3 endpoints | grep -q "203.0.113.3:$((PORT_BASE + 2))\$"
}
check "late join: peers reach h3 on its configured ports (no NAT port remap)" ep_ok

# ---------------------------------------------------------------- unexpected flaps
# Expected BGP session drops on h1 and h2: one for the cut of h1-h2, one for the stop of h3.
FLAPS=0
for h in h1 h2; do
    n=$(grep -c 'wg[0-9]*: State changed to stop' "$ML_STATE/logs/$h-bird.log" || true)
    FLAPS=$((FLAPS + n - 2))
done
check "no unexpected BGP/BFD session drops on h1, h2 ($FLAPS)" test "$FLAPS" -eq 0

# ---------------------------------------------------------------- summary
echo
echo "==== summary (prefix $ML_PREFIX, $NHOSTS hosts, BFD ${BFD_MS} ms x ${BFD_MULT})"
echo "BGP Established + BFD Up:        ${CONV_MS} ms after BIRD start"
echo "full LAN reachability (v4+v6):   ${REACH_MS} ms after BIRD start"
echo "cut h1-h2, route moved to wg3:   ${SWITCH_MS} ms"
echo "cut h1-h2, IPv4 probe:           lost $L4 of $S4 at ${INTERVAL}s = ${LOSS4_MS} ms; longest reply gap ${G4} ms"
echo "cut h1-h2, IPv6 probe:           lost $L6 of $S6 at ${INTERVAL}s = ${LOSS6_MS} ms; longest reply gap ${G6} ms"
echo "unblock, direct route back:      ${BACK_MS} ms (probe lost $L4R of $S4R)"
echo "reloads under probe:             lost $L4L of $S4L"
echo "unexpected session drops:        $FLAPS"
echo "late join of h3, all sessions up: ${JOIN_MS:-n/a} ms after its Shorewall reload, ${JOIN_BIRD_MS:-n/a} ms after its BIRD start"
printf '%s\n' "${RESULTS[@]}"
echo "$(( ${#RESULTS[@]} - FAILS )) passed, $FAILS failed"
[ "$FAILS" = 0 ]
