#!/bin/sh
# Installed in the lab image as /usr/local/sbin/wgm-boot (wgm-boot.service, before the network is
# "online"): gives this machine its name, addresses and SSH key, so that one cached image serves
# every machine of the lab (lab/machines/machines.sh). A VM reads them from the kernel command
# line QEMU passes; a container (systemd-nspawn shares the machine's kernel, so /proc/cmdline is
# not its own) from /etc/wgm.args, a file of the same words that the lab bind-mounts read-only.
#   wgm.name=NAME               host name
#   wgm.pub4=A/N wgm.pub6=A/N   eth0 (the public NIC, on the lab bridge)
#   wgm.lan4=A/N wgm.lan6=A/N   lan0, the LAN (trust) interface: one end of a veth pair whose
#   wgm.cli4=A/N wgm.cli6=A/N   other end, c0, is a LAN client in network namespace "lanc"
#   wgm.key=BASE64              root's authorized_keys line, base64
# It runs at every boot: a reboot finds eth0 as a real NIC would be (addresses gone in a VM, kept
# in a container's network namespace, "replace" serves both) and lan0 gone with "lanc".
set -eu
args=/proc/cmdline
[ -f /etc/wgm.args ] && args=/etc/wgm.args
arg() { tr ' ' '\n' <"$args" | sed -n "s/^wgm\.$1=//p" | tail -n 1; }
name=$(arg name)
[ -n "$name" ] || exit 0
hostname "$name"
echo "$name" >/etc/hostname
grep -q " $name\$" /etc/hosts || echo "127.0.1.1 $name" >>/etc/hosts
key=$(arg key)
if [ -n "$key" ]; then
  mkdir -p -m 0700 /root/.ssh
  echo "$key" | base64 -d >/root/.ssh/authorized_keys
  chmod 0600 /root/.ssh/authorized_keys
fi
ip link set lo up
ip link set eth0 up
[ -z "$(arg pub4)" ] || ip addr replace "$(arg pub4)" dev eth0
[ -z "$(arg pub6)" ] || ip addr replace "$(arg pub6)" dev eth0 nodad
if [ -n "$(arg lan4)" ]; then
  ip netns add lanc 2>/dev/null || true
  ip link add lan0 type veth peer name c0 netns lanc 2>/dev/null || true
  ip addr replace "$(arg lan4)" dev lan0
  [ -z "$(arg lan6)" ] || ip addr replace "$(arg lan6)" dev lan0 nodad
  ip link set lan0 up
  ip -n lanc link set lo up
  ip -n lanc link set c0 up
  ip -n lanc addr replace "$(arg cli4)" dev c0
  ip -n lanc route replace default via "$(arg lan4 | cut -d/ -f1)"
  if [ -n "$(arg cli6)" ]; then
    ip -n lanc addr replace "$(arg cli6)" dev c0 nodad
    ip -n lanc -6 route replace default via "$(arg lan6 | cut -d/ -f1)"
  fi
fi
