#!/usr/bin/env bash
# The wgmesh Debian package on real Debian 12 machines (docs/e2e.md, "VM suite"):
#
#   bash lab/vm/run.sh [--keep]      as root; --keep leaves the VMs up at the end (then --clean)
#   bash lab/vm/run.sh --clean       stops VMs and removes what a --keep run (or a killed one) left
#
# Boots four QEMU VMs from an image made only of Debian's packages (lab/vm/build-image.sh: an
# mmdebstrap bookworm tree, Debian's kernel, systemd as PID 1), cached in /var/cache/wgmesh-vm
# (WGVM_CACHE). They sit on a bridge inside network namespace wgvm-net that this script creates
# (192.0.2.0/24; the VMs' LANs are 198.51.100.0/24 and 2001:db8:100::/48): no NAT and no route
# out, so nothing reaches any other network. Driven over SSH from inside that namespace with a key
# made per run. The site VM runs Knot and the controller (wgsite, wgpub@ timer publishing by
# RFC 2136); h1..h3 are endpoints set up with the README's commands and wgdeploy@ timers.
# Then: LAN-to-LAN reachability (v4, v6), kernel WireGuard, BIRD under systemd, a host admitted
# later picked up by the timers, a reboot, a package upgrade under continuous ping (loss reported),
# removal and purge. Needs the built package (mvn -B package: dist/wgmesh_*.deb) and the Debian
# packages of scripts/setup-debian.sh. Ends with "N passed, M failed"; exit 1 on any failure.
# KVM is used when it can boot Debian's kernel, else TCG with longer timeouts (WGVM_ACCEL=kvm|tcg
# forces one).
set -euo pipefail
root=$(cd -P -- "$(dirname -- "$0")/../.." && pwd)
NS=wgvm-net
BR=wgvmbr0
STATE=/run/wgvm
DOMAIN=mesh.example.com
SITE_FILE=/etc/wgmesh/site/wgmesh.yaml
cache=${WGVM_CACHE:-/var/cache/wgmesh-vm}
keep=no

clean() {
  local pid
  for f in "$STATE"/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    # only a QEMU this suite started (the pid file names it), never anything by name
    if [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = qemu-system-x86 ]; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  # the SSH connection masters end through their control sockets
  for f in "$STATE"/ssh-*; do
    [ -S "$f" ] && ip netns exec "$NS" ssh -o ControlPath="$f" -O exit "${f##*/ssh-}" >/dev/null 2>&1 || true
  done
  # the taps and the bridge live in the namespace: deleting it removes them
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$STATE"
}

case ${1:-} in
  --clean) clean; exit 0 ;;
  --keep) keep=yes ;;
  "") ;;
  *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "error: lab/vm: run as root" >&2; exit 2; }

pass=0
fail=0
t0=$(date +%s)
log() { printf '[vm %4ds] %s\n' "$(($(date +%s) - t0))" "$*" >&2; }
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

finish() {
  local rc=$?
  if [ "$keep" = yes ] && [ -d "$STATE" ]; then
    log "--keep: VMs left up; ssh: ip netns exec $NS ssh -F $STATE/ssh_config h1; clean: bash lab/vm/run.sh --clean"
  else
    clean
  fi
  [ "$rc" = 0 ] || [ "$fail" -gt 0 ] || fail=1
  echo "$pass passed, $fail failed"
  [ "$fail" = 0 ] && [ "$rc" = 0 ]
}

if [ -d "$STATE" ] || ip netns list 2>/dev/null | grep -qw "$NS"; then
  log "leftovers of an earlier run: cleaning"
  clean
fi
mkdir -p "$STATE"
trap finish EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ inputs
deb=$(ls -t "$root"/dist/wgmesh_*_all.deb 2>/dev/null | head -n 1 || true)
[ -n "$deb" ] || { bad "no dist/wgmesh_*_all.deb: build first (mvn -B package)"; exit 1; }
version=$(dpkg-deb -f "$deb" Version)
upversion=$version+vm1
log "package $deb ($version); the upgrade is $upversion (the same dist/ repacked)"
bash "$root/scripts/make-deb.sh" --deb-version "$upversion" --out "$STATE" 2>/dev/null
updeb=$STATE/wgmesh_${upversion}_all.deb
check "lintian: the package is clean (errors and warnings, overrides justified in the package)" \
  sh -c "lintian --fail-on error,warning '$deb' 2>&1 | grep -v 'running with root privileges' | grep . >&2 && exit 1; exit 0"

tb=$(date +%s)
image=$(bash "$root/lab/vm/build-image.sh" "$cache")
build_s=$(($(date +%s) - tb))
log "image $image (${build_s}s)"

# ------------------------------------------------------------------ accelerator
accel=${WGVM_ACCEL:-auto}
if [ "$accel" = auto ]; then
  accel=tcg
  if [ -w /dev/kvm ]; then
    # /dev/kvm can be there and still not run a stock kernel (a nested host's paravirtual KVM):
    # boot the kernel alone for a few seconds and look for its first line on the serial port.
    (timeout 15 qemu-system-x86_64 -accel kvm -cpu host -m 256 -nographic -no-user-config -nodefaults \
      -serial "file:$STATE/kvm-probe.log" -monitor none -kernel "$image/vmlinuz" \
      -append "console=ttyS0 earlyprintk=ttyS0 panic=-1" -no-reboot >/dev/null 2>&1) 2>/dev/null || true
    if grep -aq "Linux version" "$STATE/kvm-probe.log" 2>/dev/null; then accel=kvm; fi
  fi
fi
if [ "$accel" = kvm ]; then
  qaccel=(-accel kvm -cpu host); slow=1
else
  qaccel=(-accel tcg,thread=multi -cpu max); slow=4
fi
log "accelerator: $accel"

# ------------------------------------------------------------------ network and VMs
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add "$BR" type bridge
ip -n "$NS" addr add 192.0.2.1/24 dev "$BR"
ip -n "$NS" addr add 2001:db8::1/64 dev "$BR" nodad
ip -n "$NS" link set "$BR" up
ssh-keygen -q -t ed25519 -N '' -C wgvm -f "$STATE/id"
key=$(base64 -w0 <"$STATE/id.pub")

# name index lan4 cli4 lan6 cli6
VMS="site h1 h2 h3"
declare -A IP NUM
IP[site]=192.0.2.10; NUM[site]=0
for n in 1 2 3; do IP[h$n]=192.0.2.1$n; NUM[h$n]=$n; done
lan4() { echo "198.51.100.$((64 * ($1 - 1) + 1))/26"; }
cli4() { echo "198.51.100.$((64 * ($1 - 1) + 10))"; }
lan6() { echo "2001:db8:100:$1::1/64"; }
cli6() { echo "2001:db8:100:$1::10"; }

{
  echo "Host *"
  echo "  User root"
  echo "  IdentityFile $STATE/id"
  echo "  IdentitiesOnly yes"
  echo "  StrictHostKeyChecking no"
  echo "  UserKnownHostsFile /dev/null"
  echo "  LogLevel ERROR"
  echo "  ConnectTimeout 30"
  echo "  ServerAliveInterval 10"
  echo "  ServerAliveCountMax 6"
  echo "  ControlMaster auto"
  echo "  ControlPath $STATE/ssh-%n"
  echo "  ControlPersist 30m"
  for v in $VMS; do echo "Host $v"; echo "  HostName ${IP[$v]}"; done
} >"$STATE/ssh_config"

boot() {
  local v=$1 n=${NUM[$1]} tap=wgvmt${NUM[$1]} args
  ip netns exec "$NS" ip tuntap add dev "$tap" mode tap
  ip -n "$NS" link set "$tap" master "$BR" up
  args="root=/dev/vda rw console=ttyS0 net.ifnames=0 quiet systemd.show_status=0 wgvm.name=$v"
  args="$args wgvm.pub4=${IP[$v]}/24 wgvm.pub6=2001:db8::1$n/64 wgvm.key=$key"
  if [ "$n" -gt 0 ]; then
    args="$args wgvm.lan4=$(lan4 "$n") wgvm.cli4=$(cli4 "$n")/26 wgvm.lan6=$(lan6 "$n") wgvm.cli6=$(cli6 "$n")/64"
  fi
  # snapshot=on: the VM writes to a temporary overlay (kept across a guest reboot, dropped
  # when QEMU exits), the cached image is never changed.
  ip netns exec "$NS" qemu-system-x86_64 "${qaccel[@]}" -m 1024 -smp 1 -nographic -no-user-config -nodefaults \
    -name "wgvm-$v" -monitor none -serial "file:$STATE/$v.console" \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" -append "$args" \
    -drive "file=$image/rootfs.img,format=raw,if=virtio,snapshot=on,cache=unsafe" \
    -netdev "tap,id=pub,ifname=$tap,script=no,downscript=no" \
    -device "virtio-net-pci,netdev=pub,mac=52:54:00:00:00:1$n" \
    -device virtio-rng-pci \
    -daemonize -pidfile "$STATE/$v.pid" >"$STATE/$v.qemu.log" 2>&1
}

vm() { local v=$1; shift; ip netns exec "$NS" ssh -F "$STATE/ssh_config" "$v" "$@"; }
vmq() { vm "$@" >/dev/null 2>&1; }
to_vm() { ip netns exec "$NS" scp -q -F "$STATE/ssh_config" "$2" "$1:$3"; }

wait_ssh() {
  local v=$1 limit=$2 end
  end=$(($(date +%s) + limit))
  while [ "$(date +%s)" -lt "$end" ]; do
    if ip netns exec "$NS" timeout 60 ssh -F "$STATE/ssh_config" -o ControlMaster=no -o ControlPath=none "$v" \
        'systemctl is-system-running --wait >/dev/null 2>&1; true' 2>/dev/null; then
      return 0
    fi
    sleep 2
  done
  return 1
}

# until LIMIT seconds: every LAN client pings every other one, v4 and v6 (FROM TO... host numbers)
lan_matrix() {
  local limit=$1 end a b miss
  shift
  end=$(($(date +%s) + limit))
  while :; do
    miss=
    for a in "$@"; do
      for b in "$@"; do
        [ "$a" = "$b" ] && continue
        vmq "h$a" "ip netns exec lanc ping -c 1 -W 2 $(cli4 "$b")" || miss="$miss h$a->h$b/v4"
        vmq "h$a" "ip netns exec lanc ping -6 -c 1 -W 2 $(cli6 "$b")" || miss="$miss h$a->h$b/v6"
      done
    done
    [ -z "$miss" ] && return 0
    if [ "$(date +%s)" -ge "$end" ]; then
      echo "unreachable:$miss" >&2
      return 1
    fi
    sleep 3
  done
}

tb=$(date +%s)
for v in $VMS; do boot "$v"; done
for v in $VMS; do
  if wait_ssh "$v" $((90 * slow)); then :; else
    bad "$v: no SSH within $((90 * slow)) s (console: $STATE/$v.console)"
    tail -n 30 "$STATE/$v.console" >&2 || true
    exit 1
  fi
done
boot_s=$(($(date +%s) - tb))
log "4 VMs up (${boot_s}s)"
check "VMs run Debian 12 with systemd as PID 1" vmq h1 'grep -q "^12\." /etc/debian_version && [ "$(cat /proc/1/comm)" = systemd ]'
check "VM kernel has WireGuard (Debian's linux-image-amd64)" vmq h1 'modprobe wireguard && ip link add wgvmprobe type wireguard && ip link del wgvmprobe'
check "VMs reach nothing but the lab bridge (no default route)" vmq h1 '! ip route get 198.18.0.1 2>/dev/null && ! ip -6 route get 2001:4860::1 2>/dev/null'

# ------------------------------------------------------------------ install the package
ti=$(date +%s)
for v in $VMS; do
  to_vm "$v" "$deb" /root/
  vm "$v" "DEBIAN_FRONTEND=noninteractive apt-get install -y -q /root/$(basename "$deb") >/root/install.log 2>&1 || { tail -20 /root/install.log; exit 1; }" &
done
inst_fail=0
for j in $(jobs -p); do wait "$j" || inst_fail=1; done
install_s=$(($(date +%s) - ti))
log "apt-get install ./wgmesh_*.deb on 4 VMs (${install_s}s)"
check "apt-get install ./$(basename "$deb") resolves from what the image has, on all 4 VMs" [ "$inst_fail" = 0 ]
[ "$inst_fail" = 0 ] || exit 1
check "package: commands in /usr/bin, man pages, bash completion, systemd units, CDS archive for the installed JVM" \
  vmq h1 'for c in wgsite wgpub wgconfig wghost wgdeploy; do command -v $c && [ -f /usr/share/man/man1/$c.1.gz ] && [ -f /usr/share/bash-completion/completions/$c ] || exit 1; done
          for u in wgdeploy@.service wgdeploy@.timer wgpub@.service wgpub@.timer; do [ -f /lib/systemd/system/$u ] || exit 1; done
          [ -s /usr/share/wgmesh/lib/wgendpoint.jsa ] && [ -s /usr/share/wgmesh/lib/wgsite.jsa ]
          java -Xshare:on -XX:SharedArchiveFile=/usr/share/wgmesh/lib/wgendpoint.jsa -cp /usr/share/wgmesh/lib/wgendpoint.jar -version'

# Lab only: the timers' intervals shortened with drop-ins (the way an operator changes them), so
# that the suite does not wait 5 minutes for a run. An empty OnActiveSec= resets every trigger of
# the packaged timer; then: soon after start and boot, and 20 s after each run ends.
for v in $VMS; do
  vm "$v" 'for t in wgdeploy@ wgpub@; do mkdir -p /etc/systemd/system/$t.timer.d
    printf "[Timer]\nOnActiveSec=\nOnActiveSec=1s\nOnBootSec=5s\nOnUnitInactiveSec=20s\nRandomizedDelaySec=0\nAccuracySec=1s\n" >/etc/systemd/system/$t.timer.d/lab.conf; done
    systemctl daemon-reload'
done

# ------------------------------------------------------------------ the site controller
secret=$(head -c 32 /dev/urandom | base64)
vm site "set -e
cat >/etc/knot/knot.conf <<CONF
server:
    rundir: /run/knot
    user: knot:knot
    listen: [ 192.0.2.10@53, 2001:db8::10@53 ]
log:
  - target: syslog
    any: info
database:
    storage: /var/lib/knot
key:
  - id: wgmesh.key
    algorithm: hmac-sha256
    secret: $secret
acl:
  - id: wgmesh-update
    key: wgmesh.key
    action: update
zone:
  - domain: $DOMAIN
    file: $DOMAIN.zone
    acl: wgmesh-update
CONF
printf '\$ORIGIN $DOMAIN.\n\$TTL 60\n@ SOA ns1 hostmaster 1 3600 900 604800 60\n@ NS ns1\nns1 A 192.0.2.10\n' >/var/lib/knot/$DOMAIN.zone
chown knot:knot /var/lib/knot/$DOMAIN.zone
systemctl enable --now knot.service >/dev/null 2>&1
mkdir -p -m 0700 /etc/wgmesh/site
printf '%s\n' '$secret' >/etc/wgmesh/site/tsig.secret
chmod 0600 /etc/wgmesh/site/tsig.secret
for i in \$(seq 1 50); do kdig @192.0.2.10 +short +timeout=1 $DOMAIN SOA | grep -q hostmaster && break; sleep 0.5; done
" || bad "site: Knot set-up failed"
check "site: Knot answers for $DOMAIN on 192.0.2.10:53" vmq site "kdig @192.0.2.10 +short $DOMAIN SOA | grep -q hostmaster"
vm site "wgsite --domain $DOMAIN --locus mesh1 \
  --publish 'rfc2136://192.0.2.10:53?zone=$DOMAIN&tsig=wgmesh.key&algorithm=hmac-sha256&secret-file=tsig.secret' $SITE_FILE" \
  >"$STATE/wgsite.out" 2>&1 || bad "site: wgsite --domain failed: $(tail -3 "$STATE/wgsite.out")"
# The admin's hand edit: the LANs here are documentation prefixes, outside the default
# allowed-lan-prefixes; then "wgsite FILE" validates the edit (README, admin quick start).
vm site "sed -i '/^allowed-lan-prefixes:/a - 198.51.100.0/24\\n- 2001:db8:100::/48' $SITE_FILE && wgsite $SITE_FILE" \
  >>"$STATE/wgsite.out" 2>&1 || bad "site: allowed-lan-prefixes edit rejected: $(tail -3 "$STATE/wgsite.out")"
fp=$(grep -o 'SHA256:[A-Za-z0-9+/=]*' "$STATE/wgsite.out" | head -n 1 || true)
log "site fingerprint $fp"
unit="wgpub@$(vm site "systemd-escape --path $SITE_FILE").timer"
vmq site "systemctl enable --now '$unit'"
check "site: $unit publishes the mesh (RFC 2136 to Knot)" \
  vmq site "for i in \$(seq 1 $((40 * slow))); do kdig @192.0.2.10 +short $DOMAIN TXT | grep -q . && exit 0; sleep 1; done; exit 1"

# ------------------------------------------------------------------ endpoints
for n in 1 2 3; do
  vm "h$n" "wgconfig -i eth0 -T lan0 -I $(lan4 "$n") -I $(lan6 "$n") --public-address ${IP[h$n]} \
      --site-fingerprint $fp --resolver 192.0.2.10:53 --supervisor systemd $DOMAIN && wghost $DOMAIN >/root/blob" \
    >"$STATE/h$n.wgconfig" 2>&1 || bad "h$n: wgconfig/wghost failed: $(tail -3 "$STATE/h$n.wgconfig")"
done
# h1 and h2 are admitted now, h3 later (its timer runs before and finds itself not admitted).
for n in 1 2; do
  blob=$(vm "h$n" cat /root/blob)
  vmq site "wgsite -i '$blob' --yes $SITE_FILE" || bad "site: wgsite -i of h$n's blob failed"
done
for n in 1 2 3; do
  vmq "h$n" "systemctl enable --now wgdeploy@$DOMAIN.timer" || bad "h$n: enable wgdeploy@$DOMAIN.timer"
done
tm=$(date +%s)
check "h1, h2: the timers deploy the mesh (no manual wgpub or wgdeploy); LANs reach each other, v4 and v6" \
  lan_matrix $((90 * slow)) 1 2
log "h1<->h2 LANs up $(($(date +%s) - tm)) s after enabling the timers"

blob=$(vm h3 cat /root/blob)
vmq site "wgsite -i '$blob' --yes $SITE_FILE" || bad "site: wgsite -i of h3's blob failed"
tj=$(date +%s)
check "h3 admitted on the site: published by wgpub@ and picked up by every endpoint's timer; all LANs reach all LANs, v4 and v6" \
  lan_matrix $((120 * slow)) 1 2 3
join_s=$(($(date +%s) - tj))
log "h3 joined: full matrix $join_s s after wgsite -i"

meshns=$(vm h1 "ip netns list | awk '{print \$1}' | grep -vx lanc | head -n 1")
check "links are kernel WireGuard (ip -d link: type wireguard in namespace $meshns), no wireguard-go" \
  vmq h1 "[ \$(ip -n $meshns -d link show type wireguard | grep -c 'wireguard') -ge 2 ] && ! pgrep -x wireguard-go && ! pgrep -f wireguard-go"
check "BIRD runs under systemd (wgmesh-$meshns-bird.service active, bird in its cgroup)" \
  vmq h1 "systemctl is-active --quiet wgmesh-$meshns-bird.service && systemctl show -p MainPID --value wgmesh-$meshns-bird.service | grep -qv '^0\$'"
check "wgdeploy@$DOMAIN.service ran under its hardening (last run succeeded)" \
  vmq h1 "systemctl show -p Result --value wgdeploy@$DOMAIN.service | grep -qx success && systemctl show -p CapabilityBoundingSet --value wgdeploy@$DOMAIN.service | grep -q cap_net_admin"

# ------------------------------------------------------------------ reboot
vmq h2 'systemctl reboot' || true
sleep $((5 * slow))
tr=$(date +%s)
if wait_ssh h2 $((90 * slow)); then
  check "h2 rebooted: its mesh comes back by itself (namespace unit, timer); all LANs reach all LANs" \
    lan_matrix $((90 * slow)) 1 2 3
  log "h2 reboot: mesh back $(($(date +%s) - tr)) s after SSH went down"
  reboot_s=$(($(date +%s) - tr))
else
  bad "h2 did not come back after reboot"
fi

# ------------------------------------------------------------------ upgrade under traffic
for n in 1 2 3; do to_vm "h$n" "$updeb" /root/; done
# 10 pings a second from h1's LAN to h2's and h3's LAN clients during the whole upgrade
vmq h1 "rm -f /root/ping*.out; for t in $(cli4 2) $(cli4 3); do nohup ip netns exec lanc ping -i 0.1 -W 1 -w 900 \$t >/root/ping-\$t.out 2>&1 & echo \$! >>/root/ping.pids; done"
tu=$(date +%s)
up_fail=0
for n in 1 2 3; do
  vmq "h$n" "DEBIAN_FRONTEND=noninteractive apt-get install -y -q /root/$(basename "$updeb") >/root/upgrade.log 2>&1" || up_fail=1
done
# and a timer run of the new version on each endpoint afterwards
vmq h1 "t=\$(date +%s); for i in \$(seq 1 $((60 * slow))); do [ \$(date -d \"\$(systemctl show -p ExecMainExitTimestamp --value wgdeploy@$DOMAIN.service)\" +%s 2>/dev/null || echo 0) -gt \$t ] && break; sleep 1; done" || true
upgrade_s=$(($(date +%s) - tu))
vmq h1 'kill -INT $(cat /root/ping.pids); sleep 1'
loss=$(vm h1 "cat /root/ping-*.out" | sed -n 's/.* \([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' |
  awk '{t += $1; r += $2} END {if (t) printf "%d of %d lost (%.2f%%)", t - r, t, 100 * (t - r) / t; else print "no pings"}')
log "upgrade $version -> $upversion on h1..h3 in $upgrade_s s: $loss"
check "upgrade to $upversion with apt-get install: all 3 endpoints upgraded" \
  sh -c "[ $up_fail = 0 ] && for n in 1 2 3; do ip netns exec $NS ssh -F $STATE/ssh_config h\$n dpkg-query -W -f='\${Version}' wgmesh | grep -qx '$upversion' || exit 1; done"
check "upgrade keeps /etc/wgmesh, /var/lib/wgmesh and the timer; traffic flowed ($loss)" \
  sh -c "ip netns exec $NS ssh -F $STATE/ssh_config h1 '[ -f /etc/wgmesh/$DOMAIN.key ] && [ -d /var/lib/wgmesh ] && systemctl is-active --quiet wgdeploy@$DOMAIN.timer' &&
    echo '$loss' | awk '{exit !(\$1 <= 10)}'"
check "after the upgrade all LANs reach all LANs" lan_matrix $((30 * slow)) 1 2 3

# ------------------------------------------------------------------ remove, purge
vmq h3 "DEBIAN_FRONTEND=noninteractive apt-get remove -y -q wgmesh >/root/remove.log 2>&1" || bad "h3: apt-get remove failed"
check "apt-get remove stops the timer; the mesh is left as it is (h3's LAN still reachable); keys kept" \
  sh -c "ip netns exec $NS ssh -F $STATE/ssh_config h3 '! systemctl is-active --quiet wgdeploy@$DOMAIN.timer && ! command -v wgdeploy && [ -f /etc/wgmesh/$DOMAIN.key ] && ip netns exec lanc ping -c 2 -W 2 $(cli4 1) >/dev/null'"
vmq h3 "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q wgmesh >/root/purge.log 2>&1" || bad "h3: apt-get purge failed"
check "apt-get purge removes /var/lib/wgmesh and the timer links, keeps the keys in /etc/wgmesh" \
  vmq h3 "[ ! -e /var/lib/wgmesh ] && [ -f /etc/wgmesh/$DOMAIN.key ] && ! ls /etc/systemd/system/timers.target.wants/wgdeploy@* && [ ! -e /usr/share/wgmesh ]"

total_s=$(($(date +%s) - t0))
log "timings: image ${build_s}s, boot ${boot_s}s, install ${install_s}s, h3 join ${join_s:-?}s, reboot ${reboot_s:-?}s, upgrade ${upgrade_s}s ($loss), total ${total_s}s ($accel)"
