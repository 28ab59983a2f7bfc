#!/usr/bin/env bash
# package-lifecycle.sh: the Debian package's install, upgrade, remove and purge on a Debian 12
# root file system (the lab machines' image, lab/machines/build-image.sh), in a chroot: what the maintainer
# scripts do to the files, without booting (docs/e2e.md, "Package lifecycle"). Run as root.
#
#   bash lab/machines/package-lifecycle.sh [CACHE_DIR]
#
# The image is mounted read-only under an overlay whose upper layer is a tmpfs, inside a mount
# namespace of its own (unshare -m): nothing is written to the image, and every mount goes with
# the namespace when the script ends, also on failure. No network: the image already holds every
# package wgmesh depends on. Systemd does not run in a chroot, so the timers' start and stop are
# not seen here (lab/machines/fleet.sh shows them); their enablement links are. The enrolment
# service is seen running: at the end the same root is booted as a container (systemd-nspawn,
# loopback only), the package installed again, a site with an enrolment: section made, and
# wgsite-enrol@ started, asked for its health over HTTPS, stopped, and purged with the package.
# Prints one PASS/FAIL line per check, then "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
root=$(cd -P -- "$(dirname -- "$0")/../.." && pwd)
cache=${1:-/var/cache/wgmesh-lab}
[ "$(id -u)" = 0 ] || { echo "package-lifecycle: must run as root" >&2; exit 2; }

if [ "${WGMESH_LIFECYCLE_INSIDE:-}" != 1 ]; then
  deb=$(ls -t "$root"/dist/wgmesh_*_all.deb 2>/dev/null | head -n 1 || true)
  [ -n "$deb" ] || { echo "package-lifecycle: no dist/wgmesh_*_all.deb: build first (mvn -B package)" >&2; exit 2; }
  image=$(bash "$root/lab/machines/build-image.sh" "$cache") || { echo "package-lifecycle: no image" >&2; exit 1; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/wgmesh-lifecycle.XXXXXX")
  trap 'rm -rf --one-file-system -- "$work"' EXIT
  version=$(dpkg-deb -f "$deb" Version)
  upversion=$version+lc1
  bash "$root/scripts/make-deb.sh" --deb-version "$upversion" --out "$work" >/dev/null 2>&1 ||
    { echo "package-lifecycle: could not repack $upversion" >&2; exit 1; }
  cp "$deb" "$work/old.deb"
  mv "$work/wgmesh_${upversion}_all.deb" "$work/new.deb"
  # Everything below runs in a private mount namespace: its mounts die with it.
  WGMESH_LIFECYCLE_INSIDE=1 LC_IMAGE=$image/rootfs.img LC_WORK=$work LC_OLD=$version LC_NEW=$upversion \
    unshare --mount --propagation private -- bash "$0" "$cache"
  exit $?
fi

work=$LC_WORK
R=$work/root
mkdir -p "$work/image" "$work/ovl" "$R"
mount -o ro,loop "$LC_IMAGE" "$work/image" || { echo "package-lifecycle: cannot mount the image" >&2; exit 1; }
mount -t tmpfs tmpfs "$work/ovl"
mkdir -p "$work/ovl/upper" "$work/ovl/work"
mount -t overlay overlay -o "lowerdir=$work/image,upperdir=$work/ovl/upper,workdir=$work/ovl/work" "$R"
mount -t proc proc "$R/proc"
# A minimal /dev of its own (the machine's is not exposed): the usual character devices and a
# private devpts for apt's and dpkg's terminal log.
mount -t tmpfs -o mode=0755,nosuid tmpfs "$R/dev"
for d in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  set -- $d
  mknod -m 0666 "$R/dev/$1" c "$2" "$3"
done
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs tmpfs "$R/tmp"
mount -t tmpfs tmpfs "$R/run"   # no /run/systemd/system: the scripts see that systemd is not running
cp "$work/old.deb" "$work/new.deb" "$R/tmp/"

PASSED=0 FAILED=0
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C DEBIAN_FRONTEND=noninteractive sh -c "$1"; }
RUN=in_root   # where check runs its condition: in_root, or in_box once the root is booted
check() { # WHAT SHELL-CONDITION (run in the root)
  if "$RUN" "$2" >"$work/check.log" 2>&1; then
    PASSED=$((PASSED + 1)); printf 'PASS %s\n' "$1"
  else
    FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$1"; sed 's/^/     /' "$work/check.log" | tail -n 5
  fi
}
# apt-get's output goes to the log; shown when it fails.
apt_run() { in_root "apt-get $1" >"$work/apt.log" 2>&1 || { echo "apt-get $1 failed:"; tail -n 15 "$work/apt.log"; }; }
apt_install() { apt_run "install -y -q -o Dpkg::Options::=--force-confold $1"; }

# ---- install
apt_install /tmp/old.deb
check "install $LC_OLD with apt-get install ./deb, from the image's packages only" \
  "dpkg-query -W -f='\${Status} \${Version}' wgmesh | grep -qx 'install ok installed $LC_OLD'"
check "the five commands run (--version) and have man pages and bash completion" \
  'for c in wgsite wgpub wgconfig wghost wgdeploy; do $c --version >/dev/null && [ -s /usr/share/man/man1/$c.1.gz ] && [ -s /usr/share/bash-completion/completions/$c ] || { echo $c; exit 1; }; done'
check "postinst made a class-data-sharing archive for the installed JVM" 'ls /usr/share/wgmesh/lib/*.jsa'
check "the units are in /lib/systemd/system" \
  'for u in wgdeploy@.service wgdeploy@.timer wgpub@.service wgpub@.timer; do [ -s /lib/systemd/system/$u ] || exit 1; done'

# What an enrolled, running endpoint has that the package did not install: its keys and endpoint
# file, deploy state, and a timer enabled for its mesh.
in_root 'umask 077; mkdir -p /etc/wgmesh /var/lib/wgmesh/mesh1 /etc/systemd/system/timers.target.wants
  echo key >/etc/wgmesh/mesh.example.com.key; echo "domain: mesh.example.com" >/etc/wgmesh/mesh.example.com.yaml
  echo serial=7 >/var/lib/wgmesh/mesh.example.com.seen; echo state >/var/lib/wgmesh/mesh1/manifest.properties
  ln -s /lib/systemd/system/wgdeploy@.timer /etc/systemd/system/timers.target.wants/wgdeploy@mesh.example.com.timer'
KEPT='[ "$(cat /etc/wgmesh/mesh.example.com.key)" = key ] && [ -s /etc/wgmesh/mesh.example.com.yaml ] &&
  [ "$(stat -c %a /etc/wgmesh/mesh.example.com.key)" = 600 ]'
STATE='[ -s /var/lib/wgmesh/mesh.example.com.seen ] && [ -s /var/lib/wgmesh/mesh1/manifest.properties ]'
TIMER='[ -L /etc/systemd/system/timers.target.wants/wgdeploy@mesh.example.com.timer ]'

# ---- upgrade
apt_install /tmp/new.deb
check "upgrade to $LC_NEW with apt-get install ./deb" \
  "dpkg-query -W -f='\${Version}' wgmesh | grep -qx '$LC_NEW' && wgdeploy --version >/dev/null"
check "the upgrade keeps /etc/wgmesh (keys 0600, endpoint file), /var/lib/wgmesh and the enabled timer" "$KEPT && $STATE && $TIMER"
check "the upgrade leaves one class-data-sharing archive per jar, made for this JVM" \
  'n=$(ls /usr/share/wgmesh/lib/*.jsa | wc -l); j=$(ls /usr/share/wgmesh/lib/*.jar | wc -l); [ "$n" -ge 1 ] && [ "$n" -le "$j" ]'

# ---- remove
apt_run 'remove -y -q wgmesh'
check "apt-get remove: the commands, jars, archives and units are gone" \
  '! [ -e /usr/bin/wgdeploy ] && ! [ -e /usr/share/wgmesh ] && ! [ -e /lib/systemd/system/wgdeploy@.timer ]'
check "apt-get remove keeps keys, endpoint files, deploy state and the timer's enablement (policy: config stays until purge)" \
  "$KEPT && $STATE && $TIMER && dpkg-query -W -f='\${Status}' wgmesh | grep -q 'config-files'"

# ---- purge
apt_run 'purge -y -q wgmesh'
check "apt-get purge removes the deploy state (/var/lib/wgmesh) and the timers' enablement links" \
  "! [ -e /var/lib/wgmesh ] && ! $TIMER && ! dpkg-query -W wgmesh 2>/dev/null | grep -q ."
check "apt-get purge never deletes keys: /etc/wgmesh stays (docs/install.md says to delete it by hand)" "$KEPT"

# ---- the enrolment service under systemd: the purged root booted as a container
# The chroot's own mounts go; nspawn brings its own /proc, /dev, /run and /tmp. No network but
# loopback (--private-network), where the service listens.
cp "$work/new.deb" "$R/root/new.deb"
umount "$R/dev/pts" "$R/dev" "$R/proc" "$R/tmp" "$R/run"
# In cgroups of its own (machines.sh, ml_cgroups), removed when it stops, as the fleet's are.
. "$root/lab/machines/machines.sh"
ml_cgroups lifecycle >"$work/cgroups"
(
  ml_enter_cgroups "$work/cgroups"
  exec systemd-nspawn --quiet --register=no --keep-unit --boot --directory="$R" --private-network \
    --machine=wgm-lifecycle --console=read-only
) </dev/null >"$work/boot.log" 2>&1 &
nspawn=$!
# shellcheck disable=SC2317 # called by the EXIT trap
stop_box() { # poweroff, then kill after 20 s; the namespace's mounts go with the script
  if kill -0 "$nspawn" 2>/dev/null; then
    kill -TERM "$nspawn" 2>/dev/null
    for _ in $(seq 20); do kill -0 "$nspawn" 2>/dev/null || break; sleep 1; done
    kill -KILL "$nspawn" 2>/dev/null
  fi
  wait "$nspawn" 2>/dev/null
  ml_remove_cgroups "$work/cgroups"
}
trap stop_box EXIT
leader=
for _ in $(seq 30); do leader=$(pgrep -P "$nspawn" | head -n 1) && [ -n "$leader" ] && break; sleep 0.5; done
in_box() { nsenter -t "$leader" -m -u -i -n -p -r -w -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C DEBIAN_FRONTEND=noninteractive sh -c "$1"; }
RUN=in_box
check "the root boots as a container (systemd as PID 1)" \
  'for i in $(seq 90); do case $(systemctl is-system-running 2>/dev/null) in running|degraded) exit 0;; esac; sleep 1; done
   systemctl is-system-running; exit 1'
apt_run_box() { in_box "apt-get $1" >"$work/apt.log" 2>&1 || { echo "apt-get $1 (booted) failed:"; tail -n 15 "$work/apt.log"; }; }
apt_run_box 'install -y -q /root/new.deb'
# A site with an enrolment: section on loopback; the server certificate made with openssl.
SITE=/etc/wgmesh/site/wgmesh.yaml
UNIT="wgsite-enrol@\$(systemd-escape --path $SITE).service"
in_box "set -e; umask 077; mkdir -p /etc/wgmesh/site; cd /etc/wgmesh/site
  wgsite --domain mesh.example.com --locus mesh1 wgmesh.yaml >/dev/null
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout enrol.key -out enrol.crt 2>/dev/null
  printf 'enrolment:\n  listen:\n  - 127.0.0.1:8443\n  tls-certificate: %s\n  tls-key: %s\n' \
    /etc/wgmesh/site/enrol.crt /etc/wgmesh/site/enrol.key >>wgmesh.yaml" >"$work/site.log" 2>&1 ||
  { echo "could not make the site:"; tail -n 5 "$work/site.log"; }
check "systemd-analyze verify finds nothing to say about wgsite-enrol@.service (hardening as wgpub@)" \
  "out=\$(systemd-analyze verify --man=no $UNIT 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
# (the pattern's [e] keeps pgrep from finding the shell that runs it)
# GET /v1/health over TLS, the certificate verified against the one the site file names; openssl
# rather than curl, which the image does not have.
HEALTH="printf 'GET /v1/health HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' |
  openssl s_client -quiet -verify_return_error -CAfile /etc/wgmesh/site/enrol.crt -connect 127.0.0.1:8443 2>/dev/null |
  grep -q 'status.*ok'"
check "systemctl enable --now wgsite-enrol@SITE: https://127.0.0.1:8443/v1/health answers ok" \
  "systemctl enable --now $UNIT && for i in \$(seq 40); do $HEALTH && exit 0; sleep 0.5; done; systemctl status --no-pager $UNIT; exit 1"
check "systemctl stop: the unit is inactive, no wgsite process, the port is free" \
  "systemctl stop $UNIT && ! systemctl is-active -q $UNIT && ! pgrep -f -- '--serv[e] $SITE' && ! $HEALTH"
# The follower (issue 24): the unit verifies clean; an endpoint file without report-url (written
# here: the unit's ConditionPathExists needs one, or the ExecCondition is never reached) has
# nothing to follow, so the ExecCondition skips the unit rather than failing it.
FOLLOW=wgdeploy-follow@mesh.example.com.service
check "systemd-analyze verify finds nothing to say about wgdeploy-follow@.service" \
  "out=\$(systemd-analyze verify --man=no $FOLLOW 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
check "wgdeploy-follow@ on an endpoint without report-url: skipped by its condition, not failed, no wgdeploy left" \
  "mkdir -p /etc/wgmesh && printf 'domain: mesh.example.com\\n' >/etc/wgmesh/mesh.example.com.yaml &&
   systemctl start $FOLLOW; systemctl show -p Result -p ConditionResult -p ActiveState $FOLLOW
   journalctl -q -u $FOLLOW | tail -n 2
   ! systemctl is-failed -q $FOLLOW && ! systemctl is-active -q $FOLLOW &&
   systemctl show -p ConditionResult --value $FOLLOW | grep -qx no &&
   journalctl -q -u $FOLLOW | grep -q 'exec-condition' && ! pgrep -f -- '--follo[w]'"
in_box "systemctl start $UNIT"
apt_run_box 'purge -y -q wgmesh'
check "apt-get purge of a running wgsite-enrol@: it is stopped, its unit file and enablement link gone" \
  "! pgrep -f -- '--serv[e] $SITE' && ! $HEALTH && ! [ -e /lib/systemd/system/wgsite-enrol@.service ] &&
   ! [ -e /lib/systemd/system/wgdeploy-follow@.service ] &&
   ! ls /etc/systemd/system/multi-user.target.wants/wgsite-enrol@* 2>/dev/null && ! systemctl is-active -q $UNIT"
RUN=in_root
stop_box

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
