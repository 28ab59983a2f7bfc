# The machines lab (sourced; docs/e2e.md, "Installed software"): Debian 12 machines with systemd
# as PID 1, made from one image (build-image.sh), of two kinds driven the same way:
#   container  systemd-nspawn on the machine's own kernel, at native speed (the default kind)
#   vm         QEMU with Debian's kernel (KVM where it boots that kernel, else TCG), for what
#              needs a kernel of its own: kernel WireGuard
# Every machine has eth0 on one bridge inside network namespace $ML_NS, which the lab creates
# (192.0.2.0/24, 2001:db8::/64): no NAT, no route to any other network. It gets its name,
# addresses and the run's SSH key from words "wgm.KEY=VALUE" (machine-boot.sh): a VM on its
# kernel command line, a container in /etc/wgm.args. The lab drives every machine over SSH from
# inside $ML_NS, so a scenario does not know which kind it talks to.
#
# The caller sets ML_STATE (a directory of its own under /run) and calls, in order:
#   ml_start IMAGE_DIR              namespace, bridge, SSH key, the image mounted read-only
#   ml_boot NAME KIND INDEX WORDS   boots a machine (INDEX 0..99 makes its MAC and names)
#   ml_wait_up NAME SECONDS         until SSH answers and systemd finished starting
#   on NAME COMMAND...              runs COMMAND on NAME (ssh; quiet variant: onq)
#   ml_copy NAME FILE DEST          copies a file there
#   ml_clean                        stops every machine by its PID, unmounts, removes the
#                                   namespaces and ML_STATE; safe to call twice or after a crash
# A container's disk is an overlay (upper layer in ML_STATE) over the read-only image, kept
# across its reboots; a VM's is QEMU's snapshot overlay, also kept across guest reboots. Neither
# ever writes to the cached image.

ML_NS=${ML_NS:-wgm-lab}
ML_BR=wgmbr0

ml_log() { printf '[lab %4ds] %s\n' "$(($(date +%s) - ${ML_T0:-$(date +%s)}))" "$*" >&2; }

ml_start() {
  local image=$1
  ML_IMAGE=$image
  ML_T0=${ML_T0:-$(date +%s)}
  mkdir -p "$ML_STATE/image"
  ip netns add "$ML_NS"
  ip -n "$ML_NS" link set lo up
  ip -n "$ML_NS" link add "$ML_BR" type bridge
  ip -n "$ML_NS" addr add 192.0.2.1/24 dev "$ML_BR"
  ip -n "$ML_NS" addr add 2001:db8::1/64 dev "$ML_BR" nodad
  ip -n "$ML_NS" link set "$ML_BR" up
  ssh-keygen -q -t ed25519 -N '' -C wgm-lab -f "$ML_STATE/id"
  ML_KEY=$(base64 -w0 <"$ML_STATE/id.pub")
  mount -o ro,loop "$image/rootfs.img" "$ML_STATE/image"
  {
    echo "Host *"
    echo "  User root"
    echo "  IdentityFile $ML_STATE/id"
    echo "  IdentitiesOnly yes"
    echo "  StrictHostKeyChecking no"
    echo "  UserKnownHostsFile /dev/null"
    echo "  LogLevel ERROR"
    echo "  ConnectTimeout 20"
    echo "  ServerAliveInterval 10"
    echo "  ServerAliveCountMax 6"
    echo "  ControlMaster auto"
    echo "  ControlPath $ML_STATE/ssh-%n"
    echo "  ControlPersist 30m"
  } >"$ML_STATE/ssh_config"
}

# ml_boot NAME KIND INDEX "wgm.pub4=... wgm.lan4=..." : the machine's address is in WORDS; the
# lab adds its name and the SSH key.
ml_boot() {
  local name=$1 kind=$2 index=$3 words=$4 addr
  addr=$(tr ' ' '\n' <<<"$words" | sed -n 's/^wgm\.pub4=\([^/]*\).*/\1/p')
  printf 'Host %s\n  HostName %s\n' "$name" "$addr" >>"$ML_STATE/ssh_config"
  words="wgm.name=$name wgm.key=$ML_KEY $words"
  case $kind in
    container) ml_boot_container "$name" "$index" "$words" ;;
    vm) ml_boot_vm "$name" "$index" "$words" ;;
    *) echo "ml_boot: unknown kind $kind" >&2; return 2 ;;
  esac
}

# A container: its own network namespace (wgm-c-NAME) with eth0, one end of a veth pair whose
# other end is on the bridge; its root an overlay over the mounted image. systemd-nspawn exits
# with 133 when the container asks for a reboot: the loop boots it again, disk and network
# namespace kept, as a real machine's would be.
ml_boot_container() {
  local name=$1 index=$2 words=$3 dir=$ML_STATE/$1
  mkdir -p "$dir/upper" "$dir/work" "$dir/root"
  mount -t overlay overlay -o "lowerdir=$ML_STATE/image,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"
  echo "$words" >"$dir/args"
  ip netns add "wgm-c-$name"
  ip -n "$ML_NS" link add "wgmv$index" type veth peer name eth0 netns "wgm-c-$name"
  ip -n "wgm-c-$name" link set eth0 address "52:54:00:00:01:$(printf %02d "$index")"
  ip -n "$ML_NS" link set "wgmv$index" master "$ML_BR" up
  ml_cgroups "$name" >"$dir/cgroups"
  (
    ml_enter_cgroups "$dir/cgroups"
    while [ ! -e "$dir/stop" ]; do
      # --register=no --keep-unit: this machine's PID 1 is not systemd (no machined, no bus).
      # SYSTEMD_NSPAWN_API_VFS_WRITABLE=network: /proc/sys/net writable, as on a router (wgdeploy
      # sets forwarding in its namespace); nspawn does that by itself only for a network namespace
      # it makes, not for one given with --network-namespace-path. The rest of /proc/sys stays
      # read-only.
      SYSTEMD_NSPAWN_API_VFS_WRITABLE=network systemd-nspawn --quiet --register=no --keep-unit --boot --directory="$dir/root" \
        --machine="wgm-$name" --network-namespace-path="/run/netns/wgm-c-$name" \
        --capability=all --bind=/dev/net/tun --property="DeviceAllow=/dev/net/tun rwm" \
        --bind-ro="$dir/args:/etc/wgm.args" --console=read-only &
      echo $! >"$dir/nspawn.pid"
      wait $! && rc=0 || rc=$?
      [ "$rc" = 133 ] || break
      echo "--- reboot"
    done
  ) </dev/null >>"$ML_STATE/$name.console" 2>&1 &
  echo $! >"$dir/loop.pid"
}

# A container's own cgroups, one per hierarchy its systemd uses (the unified one, and on a hybrid
# host like this machine the name=systemd one): below the caller's, named wgm-lab-NAME; printed,
# a line each. nspawn --keep-unit runs the container in the cgroup nspawn starts in (payload/
# below it), so without these every container's systemd would manage one and the same subtree:
# a service ending on one machine removed the cgroup of the same service starting on another
# ("Failed to attach to cgroup", status 219/CGROUP: a deploy that never ran), and units failed at
# boot the same way. Made here, removed by ml_clean.
ml_cgroups() { # NAME
  local name=$1 hier path mnt
  while IFS=: read -r _ hier path; do
    case $hier in
      "") mnt=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts) ;;
      name=systemd) mnt=$(awk '$3 == "cgroup" && $4 ~ /(^|,)name=systemd(,|$)/ {print $2; exit}' /proc/mounts) ;;
      *) continue ;;
    esac
    [ -n "$mnt" ] || continue
    mkdir -p "$mnt${path%/}/wgm-lab-$name" && echo "$mnt${path%/}/wgm-lab-$name"
  done </proc/self/cgroup
}
ml_enter_cgroups() { # FILE: moves this (sub)shell into the cgroups listed there
  local cg
  while read -r cg; do echo "$BASHPID" >"$cg/cgroup.procs"; done <"$1"
}
# Removes the cgroups of FILE, innermost first (the container's systemd made its own below
# them); a cgroup still holding a process stays, and says so.
ml_remove_cgroups() { # FILE
  local cg
  [ -f "$1" ] || return 0
  while read -r cg; do
    [ -d "$cg" ] || continue
    find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null ||
      echo "ml_clean: $cg not removed: $(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | wc -l) process(es) left in it" >&2
  done <"$1"
}

# A VM: a tap on the bridge; QEMU runs inside the lab namespace. KVM when it can boot Debian's
# kernel (a nested paravirtual KVM cannot: probed once, 15 s), else TCG (about 20 times slower).
ml_boot_vm() {
  local name=$1 index=$2 words=$3 tap=wgmt$2
  ml_accel
  ip netns exec "$ML_NS" ip tuntap add dev "$tap" mode tap
  ip -n "$ML_NS" link set "$tap" master "$ML_BR" up
  # snapshot=on: the VM writes to a temporary overlay (kept across a guest reboot, dropped when
  # QEMU exits); the cached image is never changed.
  ip netns exec "$ML_NS" qemu-system-x86_64 "${ML_QACCEL[@]}" -m 2048 -smp 2 -nographic -no-user-config \
    -nodefaults -name "wgm-$name" -monitor none -serial "file:$ML_STATE/$name.console" \
    -kernel "$ML_IMAGE/vmlinuz" -initrd "$ML_IMAGE/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 net.ifnames=0 quiet systemd.show_status=0 $words" \
    -drive "file=$ML_IMAGE/rootfs.img,format=raw,if=virtio,snapshot=on,cache=unsafe" \
    -netdev "tap,id=pub,ifname=$tap,script=no,downscript=no" \
    -device "virtio-net-pci,netdev=pub,mac=52:54:00:00:02:$(printf %02d "$index")" \
    -device virtio-rng-pci \
    -daemonize -pidfile "$ML_STATE/$name.qemu.pid" >"$ML_STATE/$name.qemu.log" 2>&1
}

ml_accel() {
  [ -n "${ML_ACCEL_KIND:-}" ] && return 0
  ML_ACCEL_KIND=${WGM_ACCEL:-auto}
  if [ "$ML_ACCEL_KIND" = auto ]; then
    ML_ACCEL_KIND=tcg
    if [ -w /dev/kvm ]; then
      # /dev/kvm can be there and still not run a stock kernel: boot the kernel alone for a few
      # seconds and look for its first line on the serial port.
      # (in a shell of its own, so that QEMU's abort on such a host is not reported here)
      sh -c 'timeout 15 qemu-system-x86_64 -accel kvm -cpu host -m 256 -nographic -no-user-config -nodefaults \
        -serial "file:$1" -monitor none -kernel "$2" -append "console=ttyS0 earlyprintk=ttyS0 panic=-1" \
        -no-reboot' sh "$ML_STATE/kvm-probe.log" "$ML_IMAGE/vmlinuz" >/dev/null 2>&1 || true
      if grep -aq "Linux version" "$ML_STATE/kvm-probe.log" 2>/dev/null; then ML_ACCEL_KIND=kvm; fi
    fi
  fi
  if [ "$ML_ACCEL_KIND" = kvm ]; then
    ML_QACCEL=(-accel kvm -cpu host); ML_SLOW=1
  else
    ML_QACCEL=(-accel tcg,thread=multi -cpu max); ML_SLOW=20
  fi
  ml_log "VMs: accelerator $ML_ACCEL_KIND"
}

on() { local m=$1; shift; ip netns exec "$ML_NS" ssh -F "$ML_STATE/ssh_config" "$m" "$@"; }
onq() { on "$@" >/dev/null 2>&1; }
ml_copy() { ip netns exec "$ML_NS" scp -q -F "$ML_STATE/ssh_config" "$2" "$1:$3"; }

# Until SSH answers and systemd has finished starting (running or degraded), or SECONDS pass.
ml_wait_up() {
  local m=$1 limit=$2 end
  end=$(($(date +%s) + limit))
  while [ "$(date +%s)" -lt "$end" ]; do
    if ip netns exec "$ML_NS" timeout 60 ssh -F "$ML_STATE/ssh_config" -o ControlMaster=no -o ControlPath=none \
        -o ConnectTimeout=5 "$m" 'systemctl is-system-running --wait >/dev/null 2>&1; true' 2>/dev/null; then
      return 0
    fi
    sleep 1
  done
  return 1
}

# The SSH connection master of a machine that goes away (reboot) must go too.
ml_forget() {
  local f=$ML_STATE/ssh-$1
  [ -S "$f" ] && ip netns exec "$ML_NS" ssh -o ControlPath="$f" -O exit "$1" >/dev/null 2>&1
  rm -f "$f"
}

# kill_pid PID COMM: TERM, then KILL after 10 s, only if PID is still the process we started
# (its command name is COMM).
ml_kill_pid() {
  local pid=$1 comm=$2
  [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$comm" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

ml_clean() {
  local dir name pid child
  [ -n "${ML_STATE:-}" ] || return 0
  for f in "$ML_STATE"/ssh-*; do [ -S "$f" ] && ml_forget "${f##*/ssh-}"; done
  for dir in "$ML_STATE"/*/; do
    dir=${dir%/}
    [ -f "$dir/loop.pid" ] || continue
    touch "$dir/stop"
    pid=$(cat "$dir/nspawn.pid" 2>/dev/null || true)
    # nspawn passes TERM on as a power-off to the container's systemd; if it has not ended
    # within 10 s, the container's PID 1 (nspawn's child) is killed, which ends every process
    # of its PID namespace, then nspawn.
    if [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = systemd-nspawn ]; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do kill -9 "$child" 2>/dev/null || true; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    pid=$(cat "$dir/loop.pid")
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill "$pid" 2>/dev/null || true
  done
  for f in "$ML_STATE"/*.qemu.pid; do
    [ -f "$f" ] && ml_kill_pid "$(cat "$f")" qemu-system-x86
  done
  for dir in "$ML_STATE"/*/; do
    dir=${dir%/}
    ml_remove_cgroups "$dir/cgroups"
    mountpoint -q "$dir/root" && { umount "$dir/root" 2>/dev/null || umount -l "$dir/root"; }
    name=${dir##*/}
    ip netns del "wgm-c-$name" 2>/dev/null || true
  done
  mountpoint -q "$ML_STATE/image" && { umount "$ML_STATE/image" 2>/dev/null || umount -l "$ML_STATE/image"; }
  # the taps, veths and the bridge live in the namespace: deleting it removes them
  ip netns del "$ML_NS" 2>/dev/null || true
  rm -rf --one-file-system -- "$ML_STATE"
}
