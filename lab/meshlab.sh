#!/bin/bash
# meshlab.sh: simulate several Linux hosts on one machine with network + mount namespaces.
#
# Use as a command:   lab/meshlab.sh [-p PREFIX] [-s STATEDIR] up [-n N] [--nat N,N..]... [--segment N,N..] [--v6-only N,N..] | down | status
#                     lab/meshlab.sh exec TARGET -- CMD...      TARGET: hN, hN/NETNS, hN-lan, inet, dns, site, nat, natK, nat-hN, seg, devN
#                     lab/meshlab.sh spawn TARGET NAME -- CMD... (background, PID recorded, log in STATEDIR/logs)
#                     lab/meshlab.sh block hA hB | unblock hA hB | knot-start ZONE [ZONE...] | knot-stop | device-up N
#                     lab/meshlab.sh unbound-start ZONE | unbound-stop | unbound-control ARGS...
#                     lab/meshlab.sh nat-of hN | nat-mode ROUTER [masquerade|random] | move hN ADDRESS [--flush-conntrack] | public-of hN
# Or source it:       . lab/meshlab.sh; meshlab up -n 3; meshlab exec h1 -- ip addr
#
# Everything the lab creates is recorded in the state dir (default /tmp/wgl-PREFIX) *before* it is
# created, so `down` removes exactly that, also after the creator crashed. See docs/lab.md.
#   --nat N,..      those hosts sit behind one NAT router of their own; each --nat makes one more
#                   (`--nat 6,7`: h6 and h7 behind one router; `--nat 6 --nat 7`: one router each).
#                   Router K (K-th --nat) is netns PREFIX-nat (K=1) or PREFIX-natK, exec target nat /
#                   natK (or nat-hN: the router of hN); outside 203.0.113.(255-K) and
#                   2001:db8:ff::(255-K) (254, 253, ...) on the internet bridge, inside
#                   198.51.100.(32(K-1)+30)/27 on bridge br1; nftables masquerade (source ports
#                   kept where free), nothing new let in (no port forwarding). A host N behind it:
#                   pub0 198.51.100.(32(K-1)+N)/27, default route via the router, IPv4 only
#   --segment N,..  those hosts share one more network: site0 with 192.0.2.N/24 on a bridge in
#                   netns PREFIX-seg (the same-LAN shortcut)
#   --v6-only N,..  those hosts' pub0 has only its IPv6 address (2001:db8:ff::N/64): an IPv6-only
#                   underlay; their LANs keep both families
#   device-up N     a device that runs no wgmesh (a WireGuard client): netns PREFIX-devN (exec
#                   target devN) on the internet bridge, 203.0.113.(200+N) and 2001:db8:ff::(200+N)
#   nat-of hN       the exec target of the router hN sits behind (fails for a public host)
#   nat-mode ROUTER [MODE]   ROUTER (nat, natK or hN) masquerades with MODE `masquerade` (plain:
#                   Linux keeps a flow's source port when it is free) or `random` (`masquerade
#                   random,fully-random`: a random source port per flow, as a NAT that does not keep
#                   ports); flushes that router's conntrack table so no old mapping survives.
#                   Without MODE: prints the current one
#   move hN ADDRESS [--flush-conntrack]   a public host's IPv4 address on pub0 becomes ADDRESS
#                   (in 203.0.113.0/24, free), the old one goes (other addresses and IPv6 stay; a
#                   default route is kept) and the internet drops what is sent to it: roaming.
#                   --flush-conntrack also deletes the host's conntrack entries of flows sent to
#                   the old address (see ml_move).
#                   `public-of hN` prints its current public IPv4 address
# Network safety: only 203.0.113.0/24, 198.51.100.0/24, 192.0.2.0/24, 2001:db8:ff::/64, 198.18.0.0/15 and fd00:18::/32 are used,
# all inside namespaces made here; the root namespace's interfaces, routes and firewall are never touched.

# ---------------------------------------------------------------- settings

ML_PREFIX=${ML_PREFIX:-wgl}
ML_STATE=${ML_STATE:-}
ML_MAX_HOSTS=8
# Directories bind-mounted per host (relative to /); created in the host's private overlay of /etc and /var/lib.
ML_BIND_DIRS="etc/wireguard etc/bird etc/shorewall etc/shorewall6 etc/wgmesh var/lib/shorewall var/lib/shorewall6 var/lib/wgmesh run/bird"

ml_log() { printf 'meshlab: %s\n' "$*" >&2; }
ml_die() { printf 'meshlab: error: %s\n' "$*" >&2; return 1; }

ml__state() {
    [ -n "$ML_STATE" ] || ML_STATE=/tmp/wgl-$ML_PREFIX
    printf '%s' "$ML_STATE"
}

ml__check_prefix() {
    [[ $ML_PREFIX =~ ^[a-z][a-z0-9]{0,7}$ ]] || ml_die "prefix '$ML_PREFIX' must match [a-z][a-z0-9]{0,7}"
}

# Start time of a process (field 22 of /proc/PID/stat) - with the PID it identifies a process across PID reuse.
ml__starttime() {
    local s
    { read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
    s=${s##*) }
    set -- $s
    printf '%s' "${20}"
}

# True if PID is a live process (a zombie waiting for its reaper is not).
ml__alive() {
    local s
    { read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
    s=${s##*) }
    [ "${s%% *}" != Z ]
}

# Append a line to a record file in the state dir (written before the thing is created).
ml__rec() { printf '%s\n' "$2" >>"$(ml__state)/$1"; }

ml__record_pid() { # PID NAME
    local st
    st=$(ml__starttime "$1") || st=0
    ml__rec pids "$1 $st $2"
}

ml__netns_add() { # NAME
    ml__rec netns "$1"
    ip netns add "$1" || return 1
    ip -n "$1" link set lo up
}

# ---------------------------------------------------------------- up

ml_up() {
    local n=3 S nat="" seg="" v6only="" g h
    while [ $# -gt 0 ]; do
        case $1 in
            -n) n=$2; shift 2 ;;
            --nat) nat+="$2 "; shift 2 ;;
            --segment) seg=${2//,/ }; shift 2 ;;
            --v6-only) v6only=${2//,/ }; shift 2 ;;
            *) ml_die "up: unknown argument $1"; return 1 ;;
        esac
    done
    ml__check_prefix || return 1
    [[ $n =~ ^[1-9]$ ]] && [ "$n" -le $ML_MAX_HOSTS ] || { ml_die "up: -n must be 1..$ML_MAX_HOSTS"; return 1; }
    # --nat: one group of hosts per router, "6,7 8" (groups separated by spaces, hosts by commas).
    nat=${nat% }
    local seen=" "
    for g in $nat; do
        for h in ${g//,/ }; do
            [[ $h =~ ^[1-9]$ ]] && [ "$h" -le "$n" ] || { ml_die "up: --nat $g: $h is not a host 1..$n"; return 1; }
            [[ $seen != *" $h "* ]] || { ml_die "up: --nat: h$h is named twice"; return 1; }
            [[ " $v6only " != *" $h "* ]] || { ml_die "up: h$h cannot be both --nat and --v6-only"; return 1; }
            seen+="$h "
        done
    done
    [ "$(id -u)" = 0 ] || { ml_die "must run as root"; return 1; }
    S=$(ml__state)
    if [ -e "$S/lab.env" ]; then
        ml_die "lab '$ML_PREFIX' already exists (state $S); run: $0 -p $ML_PREFIX down"
        return 1
    fi
    mkdir -p "$S/logs" "$S/hosts"
    ML__CREATED=1   # from here on, a failure of this `up` leaves something to remove
    chmod 0755 "$S"
    : >"$S/netns"; : >"$S/pids"; : >"$S/mounts"; : >"$S/blocks"
    # /run/netns is created and bind-mounted by the first `ip netns add` on a machine; remember whether
    # that is us, so `down` can unmount it again when no namespace is left in it.
    if ! mountpoint -q /run/netns 2>/dev/null; then
        [ -d /run/netns ] && ml__rec mounts "/run/netns bind" || ml__rec mounts "/run/netns bind+dir"
    fi
    # ML_NAT: the --nat groups, one per router in order ("6,7" one router; "6 7" two).
    printf 'ML_PREFIX=%s\nML_HOSTS=%s\nML_CREATED=%s\nML_NAT="%s"\nML_SEGMENT="%s"\nML_V6ONLY="%s"\n' \
        "$ML_PREFIX" "$n" "$(date +%s)" "$nat" "$seg" "$v6only" >"$S/lab.env"
    ML__V6ONLY=" $v6only "

    local P=$ML_PREFIX
    # "internet": one bridge in its own namespace; every host gets a veth port on it.
    ml__netns_add "$P-inet" || return 1
    ip -n "$P-inet" link add br0 type bridge stp_state 0 mcast_snooping 0 || return 1
    ip -n "$P-inet" link set br0 up
    ml__attach dns "$P-dns" 203.0.113.53 2001:db8:ff::53 || return 1
    ml__attach site "$P-site" 203.0.113.250 2001:db8:ff::250 || return 1
    local i k=0
    for g in $nat; do
        k=$((k + 1))
        ml__nat_up "$k" || return 1
    done
    if [ -n "$seg" ]; then
        ml__netns_add "$P-seg" || return 1
        ip -n "$P-seg" link add br0 type bridge stp_state 0 mcast_snooping 0 || return 1
        ip -n "$P-seg" link set br0 up
    fi
    for i in $(seq 1 "$n"); do
        ml__host_up "$i" || return 1
    done
    for i in $seg; do
        ip -n "$P-seg" link add "s-h$i" type veth peer name site0 netns "$P-h$i" || return 1
        ip -n "$P-seg" link set "s-h$i" master br0 up
        ip -n "$P-h$i" addr add "192.0.2.$i/24" dev site0
        ip -n "$P-h$i" link set site0 up
    done
    ml_log "lab '$P' up: $n hosts, state $S"
}

# A device on the internet that runs no wgmesh (a WireGuard client, docs/clients.md): netns
# PREFIX-devN, exec target devN, pub0 with 203.0.113.(200+N) and 2001:db8:ff::(200+N).
ml_device_up() { # N
    [[ $1 =~ ^[1-9]$ ]] || { ml_die "device-up: N must be 1..9"; return 1; }
    [ -e "$(ml__state)/lab.env" ] || { ml_die "no lab '$ML_PREFIX'"; return 1; }
    ml__attach "dev$1" "$ML_PREFIX-dev$1" "203.0.113.$((200 + $1))" "2001:db8:ff::$((200 + $1))"
}

# ---------------------------------------------------------------- NAT routers

# The --nat groups of the lab, one line each (router K on line K), hosts separated by spaces.
ml__nat_groups() {
    local S g
    S=$(ml__state)
    [ -e "$S/lab.env" ] || { ml_die "no lab '$ML_PREFIX' (state $S)"; return 1; }
    for g in $(sed -n 's/^ML_NAT="\(.*\)"$/\1/p' "$S/lab.env"); do printf '%s\n' "${g//,/ }"; done
}
# Router K's exec target (its netns is PREFIX-TARGET): nat for the first, natK for the others.
ml__nat_name() { [ "$1" = 1 ] && printf nat || printf 'nat%s' "$1"; }
# Router K's addresses: outside IPv4 and IPv6, the inside network's first three octets and the
# offset of its /27 (router at offset+30, host N at offset+N).
ml__nat_out4() { printf '203.0.113.%s' $((255 - $1)); }
ml__nat_out6() { printf '2001:db8:ff::%s' $((255 - $1)); }
ml__nat_base() { printf '%s' $((32 * ($1 - 1))); }

# The number K of the router host N sits behind (none: fails).
ml__nat_index() { # N
    local k=0 g
    while read -r g; do
        k=$((k + 1))
        [[ " $g " == *" $1 "* ]] && { printf '%s' "$k"; return 0; }
    done < <(ml__nat_groups)
    return 1
}

# The exec target of the NAT router host hN sits behind (nat, nat2, ...); fails for a public host.
ml_nat_of() { # hN
    local n k
    n=$(ml__hostnum "$1") || return 1
    k=$(ml__nat_index "$n") || { ml_die "$1 is not behind a NAT router"; return 1; }
    ml__nat_name "$k"
}

# Router K: pub0 on the internet bridge, br1 inside for the hosts behind it. Masquerade out;
# nothing new comes in (no port forwarding), as on a home or office router.
ml__nat_up() { # K
    local P=$ML_PREFIX k=$1 name base
    name=$(ml__nat_name "$k")
    base=$(ml__nat_base "$k")
    ml__attach "$name" "$P-$name" "$(ml__nat_out4 "$k")" "$(ml__nat_out6 "$k")" || return 1
    ip -n "$P-$name" link add br1 type bridge stp_state 0 mcast_snooping 0 || return 1
    ip -n "$P-$name" addr add "198.51.100.$((base + 30))/27" dev br1
    ip -n "$P-$name" link set br1 up
    ip netns exec "$P-$name" sysctl -q -w net.ipv4.ip_forward=1 || return 1
    ip netns exec "$P-$name" nft -f - <<'NFT' || return 1
table ip meshlab_nat {
    chain postrouting { type nat hook postrouting priority srcnat; oifname "pub0" masquerade; }
    chain forward { type filter hook forward priority filter; policy accept; iifname "pub0" ct state new drop; }
    # As a home router: nothing new comes in to the router itself either. Without this, a packet
    # for a mapping not made yet (a peer punching first) would be answered port-unreachable and
    # leave a conntrack entry that makes the later outgoing flow take another source port.
    chain input { type filter hook input priority filter; policy accept; iifname "pub0" ct state new drop; }
}
NFT
}

# Switches a NAT router between plain masquerade (Linux keeps a flow's source port where it is
# free: hole punching works through it) and random source ports (`random,fully-random`: every
# new flow gets a random port, so the port a peer sees is no use to another). Flushes the router's
# conntrack table, so existing mappings go and every flow is mapped anew. Without MODE: prints the
# current mode.
ml_nat_mode() { # ROUTER|hN [masquerade|random]
    local r=$1 mode=${2:-} P=$ML_PREFIX rule cur
    [[ $r =~ ^h[0-9]$ ]] && { r=$(ml_nat_of "$r") || return 1; }
    [[ $r =~ ^nat[2-8]?$ ]] && [ -e "/run/netns/$P-$r" ] || { ml_die "nat-mode: no NAT router '$r' in lab '$P'"; return 1; }
    if [ -z "$mode" ]; then
        cur=$(ip netns exec "$P-$r" nft list chain ip meshlab_nat postrouting) || return 1
        case $cur in *fully-random*) echo random ;; *masquerade*) echo masquerade ;; *) echo unknown ;; esac
        return 0
    fi
    case $mode in
        masquerade) rule='oifname "pub0" masquerade' ;;
        random) rule='oifname "pub0" masquerade random,fully-random' ;;
        *) ml_die "nat-mode: MODE is masquerade or random, not '$mode'"; return 1 ;;
    esac
    command -v conntrack >/dev/null || { ml_die "nat-mode: conntrack (Debian package conntrack) is needed to flush the router's mappings"; return 1; }
    printf 'flush chain ip meshlab_nat postrouting\nadd rule ip meshlab_nat postrouting %s\n' "$rule" |
        ip netns exec "$P-$r" nft -f - || return 1
    # conntrack -F says how many entries it removed on stderr; none is no failure.
    ip netns exec "$P-$r" conntrack -F >/dev/null 2>&1 || { ml_die "nat-mode: conntrack -F failed in $P-$r"; return 1; }
}

# Make netns NS with interface pub0 on the internet bridge (port v-NAME) holding V4/24 (none when
# V4 is empty) and V6/64.
ml__attach() { # NAME NS V4 V6
    local P=$ML_PREFIX
    ml__netns_add "$2" || return 1
    ip -n "$P-inet" link add "v-$1" type veth peer name pub0 netns "$2" || return 1
    ip -n "$P-inet" link set "v-$1" master br0 up
    [ -z "$3" ] || ip -n "$2" addr add "$3/24" dev pub0
    ip -n "$2" addr add "$4/64" dev pub0 nodad
    ip -n "$2" link set pub0 up
}

# The setup that runs inside a host's new mount namespace (propagation private, so nothing here can
# reach the root mount namespace), then becomes the holder process (sleep infinity).
ml__holder_setup() { # DIR HOSTNAME BINDDIRS...
    set -e
    local D=$1 hn=$2 t
    shift 2
    hostname "$hn"
    # sysfs that shows this host's network namespace (as `ip netns exec` does).
    umount -l /sys
    mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
    # Private copy-on-write /etc, /var/lib and /var/log: missing mount targets (e.g. /etc/wgmesh) and any stray
    # write land in the host's overlay upper dir, never in the real /etc or /var/lib.
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$D/ovl/etc.upper,workdir=$D/ovl/etc.work" /etc
    mount -t overlay overlay -o "lowerdir=/var/lib,upperdir=$D/ovl/varlib.upper,workdir=$D/ovl/varlib.work" /var/lib
    # ... and /var/log (Shorewall appends its STARTUP_LOG /var/log/shorewall*-init.log on every start).
    mount -t overlay overlay -o "lowerdir=/var/log,upperdir=$D/ovl/varlog.upper,workdir=$D/ovl/varlog.work" /var/log
    # Private /run: /run/netns (nested namespaces), /run/wireguard (wireguard-go sockets),
    # /run/xtables.lock and /run/lock are per host. /var/run is a symlink to /run on Debian 12.
    # Drop the copies of the root's /run/netns mounts first, so a host does not pin the lab's namespaces.
    for t in $(awk '$5 ~ "^/run/." {print $5}' /proc/self/mountinfo | sort -r); do umount -l "$t"; done
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
    mkdir -p /run/netns /run/wireguard /run/lock
    if [ ! -L /var/run ]; then
        mkdir -p /var/run/netns /var/run/wireguard
        mount -t tmpfs -o mode=0755 tmpfs /var/run/wireguard
        mount -t tmpfs -o mode=0755 tmpfs /var/run/netns
    fi
    for t in "$@"; do
        mkdir -p "/$t"
        mount --bind "$D/$t" "/$t"
    done
    # Name resolution inside a host goes to the lab DNS host only.
    rm -f /etc/resolv.conf
    printf 'nameserver 203.0.113.53\n' >/etc/resolv.conf
    printf '127.0.0.1 localhost\n127.0.1.1 %s\n::1 localhost\n' "$hn" >/etc/hosts
    printf '%s\n' "$hn" >/etc/hostname
    printf '%s\n' "$$" >"$D/holder.pid"
    : >"$D/ready"
    exec sleep infinity
}

ml__host_up() { # N
    local i=$1 P=$ML_PREFIX S D H t pid
    S=$(ml__state)
    H="$P-h$i"
    D="$S/hosts/h$i"
    local k r base
    if k=$(ml__nat_index "$i"); then
        # Behind NAT router K: an inside address, a default route through the router, no IPv6.
        r="$P-$(ml__nat_name "$k")"
        base=$(ml__nat_base "$k")
        ml__netns_add "$H" || return 1
        ip -n "$r" link add "v-h$i" type veth peer name pub0 netns "$H" || return 1
        ip -n "$r" link set "v-h$i" master br1 up
        ip -n "$H" addr add "198.51.100.$((base + i))/27" dev pub0
        ip -n "$H" link set pub0 up
        ip -n "$H" route add default via "198.51.100.$((base + 30))"
    elif [[ " ${ML__V6ONLY:-} " == *" $i "* ]]; then
        ml__attach "h$i" "$H" "" "2001:db8:ff::$i" || return 1
    else
        ml__attach "h$i" "$H" "203.0.113.$i" "2001:db8:ff::$i" || return 1
    fi
    # LAN: lan0 in the host, eth0 in the LAN client namespace.
    ml__netns_add "$H-lan" || return 1
    ip -n "$H" link add lan0 type veth peer name eth0 netns "$H-lan" || return 1
    ip -n "$H" addr add "198.18.$i.1/24" dev lan0
    ip -n "$H" addr add "fd00:18:$i::1/64" dev lan0 nodad
    ip -n "$H" link set lan0 up
    ip -n "$H-lan" addr add "198.18.$i.100/24" dev eth0
    ip -n "$H-lan" addr add "fd00:18:$i::100/64" dev eth0 nodad
    ip -n "$H-lan" link set eth0 up
    ip -n "$H-lan" route add default via "198.18.$i.1"
    ip -n "$H-lan" -6 route add default via "fd00:18:$i::1"
    # Per-host directories (bind-mounted over the real paths inside the host).
    mkdir -p "$D/ovl/etc.upper" "$D/ovl/etc.work" "$D/ovl/varlib.upper" "$D/ovl/varlib.work" \
        "$D/ovl/varlog.upper" "$D/ovl/varlog.work"
    for t in $ML_BIND_DIRS; do mkdir -p "$D/$t"; done
    chmod 0700 "$D/etc/wireguard" "$D/var/lib/wgmesh"
    cp -a /etc/shorewall/. "$D/etc/shorewall/" 2>/dev/null || true
    cp -a /etc/shorewall6/. "$D/etc/shorewall6/" 2>/dev/null || true
    if getent group bird >/dev/null; then
        chown root:bird "$D/etc/bird" && chmod 0750 "$D/etc/bird"
        chown bird:bird "$D/run/bird" && chmod 0750 "$D/run/bird"
    fi
    # The holder: joins the host netns, gets its own mount and UTS namespace, mounts, then sleeps.
    MESHLAB_LAB=$P MESHLAB_HOST=h$i setsid nsenter --net="/run/netns/$H" -- \
        unshare --mount --uts --propagation private -- \
        bash -c "$(declare -f ml__holder_setup); ml__holder_setup \"\$@\"" holder "$D" "$H" $ML_BIND_DIRS \
        >"$S/logs/h$i-holder.log" 2>&1 </dev/null &
    pid=$!
    ml__record_pid "$pid" "h$i-holder-launch"
    for t in $(seq 1 500); do
        [ -e "$D/ready" ] && break
        kill -0 "$pid" 2>/dev/null || { cat "$S/logs/h$i-holder.log" >&2; ml_die "holder of h$i died"; return 1; }
        sleep 0.01
    done
    [ -e "$D/ready" ] || { ml_die "holder of h$i not ready"; return 1; }
    # The holder wrote its own PID (the process that became `sleep infinity`).
    ml__record_pid "$(cat "$D/holder.pid")" "h$i-holder"
}

# ---------------------------------------------------------------- exec / spawn

# Resolve TARGET into a command prefix in ML__CMD (array).
ml__target() { # TARGET
    local P=$ML_PREFIX S D t=$1 host ns pid
    S=$(ml__state)
    [ -e "$S/lab.env" ] || { ml_die "no lab '$P' (state $S)"; return 1; }
    case $t in
        inet|dns|site|nat|nat[2-8]|seg|h[0-9]-lan|dev[0-9]) ML__CMD=(ip netns exec "$P-$t") ;;
        nat-h[0-9]) host=$(ml_nat_of "${t#nat-}") || return 1; ML__CMD=(ip netns exec "$P-$host") ;;
        h[0-9]|h[0-9]/*)
            host=${t%%/*}
            ns=${t#*/}; [ "$ns" = "$t" ] && ns=
            D="$S/hosts/$host"
            pid=$(cat "$D/holder.pid" 2>/dev/null) || { ml_die "no host $host"; return 1; }
            kill -0 "$pid" 2>/dev/null || { ml_die "holder of $host (pid $pid) is gone"; return 1; }
            ML__CMD=(nsenter -t "$pid" -m -n -u --)
            [ -n "$ns" ] && ML__CMD+=(ip netns exec "$ns")
            ;;
        *) ml_die "unknown target '$t' (hN, hN/NETNS, hN-lan, inet, dns, site, nat, natK, nat-hN, seg, devN)"; return 1 ;;
    esac
    ML__CMD=(env "MESHLAB_LAB=$P" "MESHLAB_HOST=${t%%/*}" "${ML__CMD[@]}")
}

ml_exec() { # TARGET -- CMD...
    local t=$1; shift
    [ "${1:-}" = -- ] && shift
    [ $# -gt 0 ] || { ml_die "exec: no command"; return 1; }
    ml__target "$t" || return 1
    "${ML__CMD[@]}" "$@"
}

# Start CMD in the background inside TARGET, record its PID, print it. Output goes to logs/NAME.log.
ml_spawn() { # TARGET NAME -- CMD...
    local t=$1 name=$2 S pid
    shift 2
    [ "${1:-}" = -- ] && shift
    ml__target "$t" || return 1
    S=$(ml__state)
    local pf="$S/logs/$name.pid" i
    rm -f "$pf"
    # The innermost shell writes its PID and execs CMD, so the recorded PID is CMD's whatever forks
    # setsid (with job control), nsenter or ip netns exec make on the way.
    setsid "${ML__CMD[@]}" sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pf" "$@" \
        >>"$S/logs/$name.log" 2>&1 </dev/null &
    ml__record_pid "$!" "$name-launch"
    for i in $(seq 1 500); do [ -s "$pf" ] && break; sleep 0.01; done
    [ -s "$pf" ] || { ml_die "spawn $name: no pid"; return 1; }
    pid=$(cat "$pf")
    ml__record_pid "$pid" "$name"
    printf '%s\n' "$pid"
}

# ---------------------------------------------------------------- link cuts

ml__block_rules() { # OP A B  (hosts as numbers); drops UDP between their public addresses, both directions
    local op=$1 a=$2 b=$3 x y
    for x in "$a $b" "$b $a"; do
        set -- $x
        ml_exec inet -- ebtables -t filter "$op" FORWARD -p IPv4 --ip-src "203.0.113.$1" --ip-dst "203.0.113.$2" --ip-proto udp -j DROP || return 1
        ml_exec inet -- ebtables -t filter "$op" FORWARD -p IPv6 --ip6-src "2001:db8:ff::$1" --ip6-dst "2001:db8:ff::$2" --ip6-proto udp -j DROP || return 1
    done
}

ml__hostnum() { [[ $1 =~ ^h([0-9])$ ]] && printf '%s' "${BASH_REMATCH[1]}" || ml_die "not a host: $1"; }

ml_block() { # hA hB
    local a b S key
    a=$(ml__hostnum "$1") && b=$(ml__hostnum "$2") || return 1
    S=$(ml__state)
    key="h$a h$b"; [ "$a" -gt "$b" ] && key="h$b h$a"
    grep -qx "$key" "$S/blocks" 2>/dev/null && return 0
    ml__rec blocks "$key"
    ml__block_rules -A "$a" "$b"
}

ml_unblock() { # hA hB
    local a b S key
    a=$(ml__hostnum "$1") && b=$(ml__hostnum "$2") || return 1
    S=$(ml__state)
    key="h$a h$b"; [ "$a" -gt "$b" ] && key="h$b h$a"
    grep -qx "$key" "$S/blocks" 2>/dev/null || return 0
    ml__block_rules -D "$a" "$b" || return 1
    grep -vx "$key" "$S/blocks" >"$S/blocks.new" || true
    mv "$S/blocks.new" "$S/blocks"
}

# ---------------------------------------------------------------- roaming

# The public IPv4 address host hN has now on pub0: 203.0.113.N until `move` changed it (kept in
# STATE/hosts/hN/public4). Fails for a host behind NAT or with an IPv6-only pub0.
ml_public_of() { # hN
    local n S f
    n=$(ml__hostnum "$1") || return 1
    S=$(ml__state)
    [ -e "$S/lab.env" ] || { ml_die "no lab '$ML_PREFIX' (state $S)"; return 1; }
    ml__nat_index "$n" >/dev/null && { ml_die "h$n is behind a NAT router (ml_nat_of h$n): no public address of its own"; return 1; }
    [[ " $(sed -n 's/^ML_V6ONLY="\(.*\)"$/\1/p' "$S/lab.env") " == *" $n "* ]] && { ml_die "h$n has no IPv4 on pub0 (--v6-only)"; return 1; }
    f="$S/hosts/h$n/public4"
    if [ -s "$f" ]; then cat "$f"; else printf '203.0.113.%s\n' "$n"; fi
}

# Roaming: host hN's public IPv4 address becomes ADDRESS (in 203.0.113.0/24, not in use), the old
# one goes; its IPv6 and any other address stay. The new address is added before the old one is
# removed (promote_secondaries on pub0), so the host is never without one, and a default route
# the host had is put back if the change removed it. What the host sends from then on carries the
# new source address: a WireGuard peer that hears from it (a keepalive, a handshake) moves its
# endpoint there. Note: `block` matches the original 203.0.113.N addresses.
# The old address is gone from the network as when a provider hands it to someone else: before it
# is removed, the internet bridge starts dropping IPv4 sent to it (ebtables in the inet netns,
# recorded in STATE/moved; a later move to that address lifts it). Without that, a peer's cached
# neighbour entry would still deliver to the host, whose DNAT matches its interface and not its
# address, and so would take the peer's packets in as a flow to the old address.
# But: a flow a peer started towards the old address (DNAT'd by the host's firewall into the mesh
# namespace) keeps its conntrack entry, and the host's answers on it leave with the OLD source
# address for as long as they keep the entry alive (always, with keepalives): that peer never sees
# the new address. Masqueraded flows (the host started them) are dropped by the kernel with the
# address. --flush-conntrack deletes the host's entries whose original destination is the old
# address (`conntrack -D --orig-dst OLD`), as something on the host that notices the change would.
ml_move() { # hN ADDRESS [--flush-conntrack]
    local n new old S H P=$ML_PREFIX def flush=0
    n=$(ml__hostnum "$1") || return 1
    new=${2:-}
    case ${3:-} in
        "") ;;
        --flush-conntrack) flush=1 ;;
        *) ml_die "move: unknown option '$3'"; return 1 ;;
    esac
    [[ $new =~ ^203\.0\.113\.([0-9]{1,3})$ ]] && [ "${BASH_REMATCH[1]}" -ge 1 ] && [ "${BASH_REMATCH[1]}" -le 254 ] ||
        { ml_die "move: ADDRESS must be an address in 203.0.113.1..254, not '$new'"; return 1; }
    old=$(ml_public_of "h$n") || return 1
    [ "$new" != "$old" ] || return 0
    [ "$flush" = 0 ] || command -v conntrack >/dev/null ||
        { ml_die "move: --flush-conntrack needs conntrack (Debian package conntrack)"; return 1; }
    S=$(ml__state)
    H="$P-h$n"
    # In use on the lab's internet (a host, a router, the site, DNS): refused, as a real move would
    # get a free address. ping -c1 to find out would be slow; the addresses are all in namespaces.
    local ns
    for ns in $(ip netns list | awk '{print $1}' | grep -E "^$P-(dns|site|nat|nat[2-8]|h[0-9])$"); do
        ip -n "$ns" -4 -o addr show dev pub0 2>/dev/null | grep -q " $new/" &&
            { ml_die "move: $new is in use ($ns)"; return 1; }
    done
    def=$(ip -n "$H" -4 route show default)
    if grep -qx "$new" "$S/moved" 2>/dev/null; then
        ml_exec inet -- ebtables -t filter -D FORWARD -p IPv4 --ip-dst "$new" -j DROP || return 1
        grep -vx "$new" "$S/moved" >"$S/moved.new"
        mv "$S/moved.new" "$S/moved"
    fi
    if ! grep -qx "$old" "$S/moved" 2>/dev/null; then
        ml__rec moved "$old"
        ml_exec inet -- ebtables -t filter -A FORWARD -p IPv4 --ip-dst "$old" -j DROP || return 1
    fi
    ip netns exec "$H" sysctl -qw net.ipv4.conf.pub0.promote_secondaries=1 || return 1
    ip -n "$H" addr add "$new/24" dev pub0 || return 1
    ip -n "$H" addr del "$old/24" dev pub0 || return 1
    printf '%s\n' "$new" >"$S/hosts/h$n/public4"
    # shellcheck disable=SC2086
    [ -z "$def" ] || [ -n "$(ip -n "$H" -4 route show default)" ] || ip -n "$H" route add $def || return 1
    if [ "$flush" = 1 ]; then
        ip netns exec "$H" conntrack -D --orig-dst "$old" >/dev/null 2>&1 || true   # exit 1 when none matched
    fi
}

# ---------------------------------------------------------------- Knot DNS in the dns netns

ml_knot_start() { # ZONE [MORE-ZONE...]
    local zone=${1:?knot-start ZONE} S K secret pid i more
    zone=${zone%.}
    S=$(ml__state)
    [ -e "$S/lab.env" ] || { ml_die "no lab"; return 1; }
    K="$S/knot"
    [ -e "$K/knotd.pid" ] && kill -0 "$(cat "$K/knotd.pid")" 2>/dev/null && { ml_die "knotd already running"; return 1; }
    mkdir -p "$K/run" "$K/db" "$K/zones"
    secret=$(head -c 32 /dev/urandom | base64)
    cat >"$K/knot.conf" <<CONF
server:
    rundir: "$K/run"
    listen: [ 203.0.113.53@53, 2001:db8:ff::53@53 ]
database:
    storage: "$K/db"
log:
  - target: stderr
    any: info
key:
  - id: upd.key
    algorithm: hmac-sha256
    secret: $secret
acl:
  - id: upd
    key: upd.key
    action: update
zone:
  - domain: $zone
    storage: "$K/zones"
    file: "$zone.zone"
    acl: upd
CONF
    shift
    # More zones with the same update ACL (lab/e2e-names.sh: the reverse zones of the PTRs).
    for more in "$@"; do
        more=${more%.}
        printf '  - domain: %s\n    storage: "%s"\n    file: "%s.zone"\n    acl: upd\n' "$more" "$K/zones" "$more" >>"$K/knot.conf"
        printf '$ORIGIN %s.\n$TTL 60\n@ SOA ns1.%s. hostmaster.%s. 1 3600 900 604800 60\n@ NS ns1.%s.\n' \
            "$more" "$zone" "$zone" "$zone" >"$K/zones/$more.zone"
    done
    printf '$ORIGIN %s.\n$TTL 60\n@ SOA ns1 hostmaster 1 3600 900 604800 60\n@ NS ns1\nns1 A 203.0.113.53\nns1 AAAA 2001:db8:ff::53\n' \
        "$zone" >"$K/zones/$zone.zone"
    printf '%s\n' "$secret" >"$K/tsig.secret"
    printf 'hmac-sha256:upd.key:%s\n' "$secret" >"$K/tsig.key"
    printf 'key "upd.key" {\n    algorithm hmac-sha256;\n    secret "%s";\n};\n' "$secret" >"$K/tsig.nsupdate"
    chmod 0600 "$K/tsig.secret" "$K/tsig.key" "$K/tsig.nsupdate"
    printf '%s\n' "$zone" >"$K/zone"
    knotc -c "$K/knot.conf" conf-check >/dev/null || return 1
    chown -R nobody:nogroup "$K/run" "$K/db" "$K/zones"
    chmod 0644 "$K/knot.conf"
    # nobody may bind port 53 in this namespace only (per-netns sysctl).
    ml_exec dns -- sysctl -qw net.ipv4.ip_unprivileged_port_start=53
    pid=$(ml_spawn dns knotd -- setpriv --reuid=65534 --regid=65534 --clear-groups knotd -c "$K/knot.conf") || return 1
    printf '%s\n' "$pid" >"$K/knotd.pid"
    for i in $(seq 1 300); do
        ml_exec dns -- kdig @203.0.113.53 +tcp +short +timeout=1 +retry=0 "$zone" SOA 2>/dev/null | grep -q hostmaster && break
        kill -0 "$pid" 2>/dev/null || { cat "$S/logs/knotd.log" >&2; ml_die "knotd died"; return 1; }
        sleep 0.02
    done
    ml_log "knotd pid $pid serves $zone on 203.0.113.53 / 2001:db8:ff::53; TSIG key in $K/tsig.key (nsupdate -y), $K/tsig.nsupdate (nsupdate -k)"
}

ml_knot_stop() { ml__stop_pidfile "$(ml__state)/knot/knotd.pid"; }

# Stops the daemon whose PID the file holds (TERM, up to 2 s) and removes the file.
ml__stop_pidfile() { # FILE
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
    fi
    rm -f "$1"
}

# ---------------------------------------------------------------- unbound: a caching resolver

# A caching resolver as endpoints in production read through: unbound in the `dns` netns on
# 203.0.113.54 / 2001:db8:ff::54, ZONE a stub zone to the lab's Knot (203.0.113.53), nothing else
# resolved (no network beyond the lab). TTLs are kept as served (no prefetch, no serving of expired
# records). `ml_unbound_control ARGS` drives it, e.g. `flush_type NAME TXT`.
ML_UNBOUND_V4=203.0.113.54
ML_UNBOUND_V6=2001:db8:ff::54
ml_unbound_start() { # ZONE
    local zone=${1:?unbound-start ZONE} S U pid i P=$ML_PREFIX
    zone=${zone%.}
    S=$(ml__state)
    [ -e "$S/lab.env" ] || { ml_die "no lab"; return 1; }
    U="$S/unbound"
    [ -e "$U/unbound.pid" ] && kill -0 "$(cat "$U/unbound.pid")" 2>/dev/null && { ml_die "unbound already running"; return 1; }
    mkdir -p "$U"
    ip -n "$P-dns" -br addr show pub0 | grep -q " $ML_UNBOUND_V4/" ||
        { ip -n "$P-dns" addr add "$ML_UNBOUND_V4/24" dev pub0 && ip -n "$P-dns" addr add "$ML_UNBOUND_V6/64" dev pub0 nodad; } || return 1
    cat >"$U/unbound.conf" <<CONF
server:
    interface: $ML_UNBOUND_V4
    interface: $ML_UNBOUND_V6
    port: 53
    access-control: 203.0.113.0/24 allow
    access-control: 2001:db8:ff::/64 allow
    username: ""
    chroot: ""
    directory: "$U"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 1
    module-config: "iterator"
    # test. is one of unbound's built-in empty zones (RFC 6761): let the stub zone answer it.
    local-zone: "test." nodefault
    domain-insecure: "$zone"
    qname-minimisation: no
    prefetch: no
    serve-expired: no
    cache-min-ttl: 0
remote-control:
    control-enable: yes
    control-interface: "$U/control.sock"
    control-use-cert: no
stub-zone:
    name: "$zone"
    stub-addr: 203.0.113.53
CONF
    unbound-checkconf "$U/unbound.conf" >/dev/null || return 1
    chown -R nobody:nogroup "$U"
    ml_exec dns -- sysctl -qw net.ipv4.ip_unprivileged_port_start=53
    pid=$(ml_spawn dns unbound -- setpriv --reuid=65534 --regid=65534 --clear-groups unbound -d -c "$U/unbound.conf") || return 1
    printf '%s\n' "$pid" >"$U/unbound.pid"
    for i in $(seq 1 300); do
        ml_unbound_control status >/dev/null 2>&1 && break
        kill -0 "$pid" 2>/dev/null || { cat "$S/logs/unbound.log" >&2; ml_die "unbound died"; return 1; }
        sleep 0.02
    done
    ml_log "unbound pid $pid on $ML_UNBOUND_V4 / $ML_UNBOUND_V6 caches $zone from Knot (stub zone)"
}

ml_unbound_control() { # ARGS...
    unbound-control -c "$(ml__state)/unbound/unbound.conf" "$@"
}

ml_unbound_stop() { ml__stop_pidfile "$(ml__state)/unbound/unbound.pid"; }

# ---------------------------------------------------------------- status

ml_status() {
    local S P=$ML_PREFIX line pid st name now
    S=$(ml__state)
    if [ ! -e "$S/lab.env" ]; then echo "lab '$P': not up (no $S/lab.env)"; fi
    echo "namespaces:"
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$P-" | sed 's/^/  /'
    echo "processes:"
    ml__lab_pids | while read -r pid; do
        printf '  %-7s %-14s net:%s\n' "$pid" "$(cat /proc/$pid/comm 2>/dev/null)" "$(readlink /proc/$pid/ns/net 2>/dev/null | tr -dc 0-9)"
    done
    if [ -s "$S/blocks" ]; then echo "blocked links:"; sed 's/^/  /' "$S/blocks"; fi
    if [ -e "$S/lab.env" ] && [ -n "$(ml__nat_groups)" ]; then
        echo "NAT routers:"
        local k=0 g
        while read -r g; do
            k=$((k + 1))
            printf '  %-5s %-15s %s; hosts %s\n' "$(ml__nat_name "$k")" "$(ml__nat_out4 "$k")" \
                "$(ml_nat_mode "$(ml__nat_name "$k")" 2>/dev/null)" "$(printf 'h%s\n' $g | paste -sd ' ')"
        done < <(ml__nat_groups)
    fi
}

# ---------------------------------------------------------------- down

# Every process that belongs to the lab: recorded PIDs (checked against their start time), processes
# whose network namespace is a lab namespace or a namespace made inside a host (e.g. mesh1), whose
# mount namespace is a host's, or whose environment carries MESHLAB_LAB=PREFIX.
ml__lab_pids() {
    local S P=$ML_PREFIX inodes="" mnts="" n f pid st name hp p self
    S=$(ml__state)
    declare -A want=()
    if [ -s "$S/pids" ]; then
        while read -r pid st name; do
            ml__alive "$pid" || continue
            [ "$(ml__starttime "$pid")" = "$st" ] && want[$pid]=1
        done <"$S/pids"
    fi
    for n in $( { cat "$S/netns" 2>/dev/null; ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$P-(inet|dns|site|nat|nat[2-8]|seg|h[0-9]|h[0-9]-lan|dev[0-9])$"; } | sort -u); do
        [ -e "/run/netns/$n" ] && inodes+=" $(stat -L -c %i "/run/netns/$n" 2>/dev/null)"
    done
    for f in "$S"/hosts/h*/holder.pid; do
        [ -e "$f" ] || continue
        hp=$(cat "$f")
        ml__alive "$hp" || continue
        grep -qz "^MESHLAB_LAB=$P\$" "/proc/$hp/environ" 2>/dev/null || continue
        mnts+=" $(readlink "/proc/$hp/ns/mnt" | tr -dc 0-9)"
        inodes+=" $(nsenter -t "$hp" -m -- sh -c 'for f in /run/netns/*; do [ -e "$f" ] && stat -L -c %i "$f"; done' 2>/dev/null | tr '\n' ' ')"
    done
    self=$$
    for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        [ "$pid" = "$self" ] || [ "$pid" = "$BASHPID" ] && continue
        n=$(readlink "$p/ns/net" 2>/dev/null | tr -dc 0-9)
        f=$(readlink "$p/ns/mnt" 2>/dev/null | tr -dc 0-9)
        [ -n "$n" ] || continue
        ml__alive "$pid" || continue
        if [[ " $inodes " == *" $n "* ]] || [[ " $mnts " == *" $f "* ]] ||
            grep -qz "^MESHLAB_LAB=$P\$" "$p/environ" 2>/dev/null; then
            want[$pid]=1
        fi
    done
    # Never our own ancestors (e.g. `down` run from a shell inside the lab).
    p=$$
    while [ "$p" -gt 1 ] 2>/dev/null; do
        unset "want[$p]"
        p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null) || break
    done
    for pid in "${!want[@]}"; do printf '%s\n' "$pid"; done | sort -n
}

ml_down() {
    local S P=$ML_PREFIX pids pid i n line
    ml__check_prefix || return 1
    S=$(ml__state)
    pids=$(ml__lab_pids)
    if [ -n "$pids" ]; then
        kill -TERM $pids 2>/dev/null
        for i in $(seq 1 100); do
            n=0
            for pid in $pids; do ml__alive "$pid" && n=1; done
            [ $n = 0 ] && break
            sleep 0.02
        done
        for pid in $pids; do ml__alive "$pid" && kill -KILL "$pid" 2>/dev/null; done
        # Anything that a dying process started meanwhile.
        pids=$(ml__lab_pids)
        [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
        sleep 0.05
    fi
    # Namespaces: recorded ones, plus any leftover with exactly our naming scheme.
    for n in $( { cat "$S/netns" 2>/dev/null; ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$P-(inet|dns|site|nat|nat[2-8]|seg|h[0-9]|h[0-9]-lan|dev[0-9])$"; } | sort -u); do
        [ -e "/run/netns/$n" ] && { ip netns del "$n" || ml_log "could not delete netns $n"; }
    done
    # The /run/netns bind mount, if we made it and nobody else uses it now.
    if [ -s "$S/mounts" ]; then
        while read -r line; do
            set -- $line
            if [ "$1" = /run/netns ] && mountpoint -q /run/netns && [ -z "$(ls -A /run/netns)" ]; then
                umount /run/netns && [ "$2" = "bind+dir" ] && rmdir /run/netns 2>/dev/null
            fi
        done <"$S/mounts"
    fi
    if grep -q " $S" /proc/self/mountinfo; then
        ml_die "mounts below $S still present in this mount namespace; not removing it"
        return 1
    fi
    [ -d "$S" ] && rm -rf --one-file-system "$S"
    return 0
}

# ---------------------------------------------------------------- dispatcher

# Global options -p PREFIX and -s STATEDIR; leaves the rest in ML__ARGS.
ml__globals() {
    ML__ARGS=()
    while [ $# -gt 0 ]; do
        case $1 in
            -p) ML_PREFIX=$2; shift 2 ;;
            -s) ML_STATE=$2; shift 2 ;;
            *) break ;;
        esac
    done
    ML__ARGS=("$@")
}

meshlab() {
    ml__globals "$@"
    set -- "${ML__ARGS[@]}"
    local cmd=${1:-}
    [ $# -gt 0 ] && shift
    case $cmd in
        up) ml_up "$@" ;;
        down) ml_down "$@" ;;
        status) ml_status "$@" ;;
        exec) ml_exec "$@" ;;
        spawn) ml_spawn "$@" ;;
        block) ml_block "$@" ;;
        unblock) ml_unblock "$@" ;;
        knot-start) ml_knot_start "$@" ;;
        knot-stop) ml_knot_stop "$@" ;;
        unbound-start) ml_unbound_start "$@" ;;
        unbound-stop) ml_unbound_stop "$@" ;;
        unbound-control) ml_unbound_control "$@" ;;
        nat-of) ml_nat_of "$@" ;;
        nat-mode) ml_nat_mode "$@" ;;
        move) ml_move "$@" ;;
        public-of) ml_public_of "$@" ;;
        device-up) ml_device_up "$@" ;;
        pids) ml__lab_pids ;;
        state) ml__state; echo ;;
        *) sed -n '2,/^# Network safety/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; return 2 ;;
    esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -o pipefail
    ml__globals "$@"
    if [ "${ML__ARGS[0]:-}" = up ]; then
        # `up` from the command line: on failure or interrupt remove what was made so far.
        # Never removes a lab that this invocation did not create (e.g. `up` on an existing lab).
        ML__CREATED=0
        trap 'trap - INT TERM; [ "$ML__CREATED" = 1 ] && { ml_log "interrupted; cleaning up"; ml_down; }; exit 130' INT TERM
        ml_up "${ML__ARGS[@]:1}" || {
            rc=$?
            [ "$ML__CREATED" = 1 ] && { ml_log "up failed; cleaning up"; ml_down; }
            exit $rc
        }
        exit 0
    fi
    meshlab "$@"
    exit $?
fi
