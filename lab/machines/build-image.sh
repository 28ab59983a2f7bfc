#!/usr/bin/env bash
# Builds the Debian 12 image the lab's machines boot (containers and VMs alike, lab/machines),
# from Debian's packages only:
#   bash lab/machines/build-image.sh [CACHE_DIR]      (default /var/cache/wgmesh-lab)
# prints the image directory, CACHE_DIR/<hash>/, holding rootfs.img (ext4, made with
# mkfs.ext4 -d from an mmdebstrap bookworm tree), vmlinuz and initrd.img (the image's own
# /boot: QEMU boots them with -kernel/-initrd, so there is no bootloader; systemd-nspawn boots
# the mounted rootfs.img). <hash> covers this script, packages.txt and machine-boot.sh: a change
# to any of them builds a new image; an image that is already there is reused. Older images are
# removed.
# Only the image directory is printed on stdout (callers take it as the path); everything the
# build tools print goes to stderr.
# The apt sources are the build machine's own (its sources.list and sources.list.d/*.sources
# files are given to mmdebstrap as MIRROR arguments): no mirror is named here.
set -euo pipefail
here=$(cd -P -- "$(dirname -- "$0")" && pwd)
cache=${1:-/var/cache/wgmesh-lab}
hash=$(cat "$here/build-image.sh" "$here/packages.txt" "$here/machine-boot.sh" | sha256sum | cut -c1-16)
out=$cache/$hash
if [ -s "$out/rootfs.img" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ]; then
  echo "$out"
  exit 0
fi
mkdir -p "$cache"
for old in "$cache"/*/; do
  [ -d "$old" ] && [ "${old%/}" != "$out" ] && rm -rf -- "${old%/}"
done
work=$(mktemp -d "$cache/build.XXXXXX")
# --one-file-system: an interrupted mmdebstrap can leave /proc, /sys or /dev mounted in the tree
trap 'rm -rf --one-file-system -- "$work"' EXIT
trap 'exit 130' INT TERM
sources=()
[ -s /etc/apt/sources.list ] && grep -q '^[[:space:]]*deb' /etc/apt/sources.list && sources+=(/etc/apt/sources.list)
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -s "$f" ] && sources+=("$f")
done
[ ${#sources[@]} -gt 0 ] || { echo "error: build-image: no apt sources on this machine" >&2; exit 2; }
include=$(grep -v '^[[:space:]]*\(#\|$\)' "$here/packages.txt" | tr '\n' ',' | sed 's/,$//')

echo "build-image: mmdebstrap bookworm -> $out (a few minutes)" >&2
# From here on, stdout is stderr: mmdebstrap's hooks and mkfs.ext4 ("Creating regular file ...")
# print on stdout, and the one line this script owes its caller is the path, printed last.
exec 3>&1 1>&2
mmdebstrap --quiet --variant=apt --include="$include" \
  --aptopt='Acquire::Languages "none"' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --customize-hook='install -m 0755 '"$here"'/machine-boot.sh "$1/usr/local/sbin/wgm-boot"' \
  --customize-hook='chroot "$1" sh -eu -c "
    echo wgm > /etc/hostname
    printf \"/dev/vda / ext4 rw,errors=remount-ro 0 1\n\" > /etc/fstab
    passwd -d root >/dev/null
    cat > /etc/systemd/system/wgm-boot.service <<UNIT
[Unit]
Description=lab machine identity and network (kernel command line or /etc/wgm.args)
DefaultDependencies=no
After=systemd-remount-fs.service systemd-udevd.service
Before=network.target network-online.target ssh.service
Wants=network.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/wgm-boot
[Install]
WantedBy=multi-user.target network-online.target
UNIT
    systemctl enable wgm-boot.service >/dev/null 2>&1
    systemctl disable bird.service knot.service >/dev/null 2>&1 || true
    systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer >/dev/null 2>&1 || true
    mkdir -p /etc/ssh/sshd_config.d
    printf \"PermitRootLogin prohibit-password\nUseDNS no\n\" > /etc/ssh/sshd_config.d/wgm.conf
  "' \
  bookworm "$work/root" "${sources[@]}"

cp "$work"/root/boot/vmlinuz-* "$work/vmlinuz"
cp "$work"/root/boot/initrd.img-* "$work/initrd.img"
rm -rf "$work"/root/var/cache/apt/archives/*.deb
mkfs.ext4 -q -L wgm -E root_owner=0:0 -d "$work/root" "$work/rootfs.img" 3G
mkdir -p "$out"
mv "$work/vmlinuz" "$work/initrd.img" "$work/rootfs.img" "$out/"
echo "$out" >&3
