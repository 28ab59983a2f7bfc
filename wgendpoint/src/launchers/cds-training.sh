#!/bin/sh
# Class-data-sharing training for wgendpoint.jar (see scripts/launcher/make-launchers.sh): runs the
# endpoint commands the way an endpoint does, so the archive holds the classes of real runs (record
# verification and decryption, the endpoint file, planning, FreeMarker rendering, the host probe),
# not only those of --help. A wgdeploy that changes nothing runs these classes on every timer tick.
#   sh cds-training.sh BIN WORKDIR
# The records come from the site controller's launchers beside this file's jar (../bin/wgsite,
# ../bin/wgpub: the wgsite module is built first); without them only --help is trained.
# Nothing here touches the machine: the records are a zone file, every path is below WORKDIR, and
# the host tools wgdeploy queries (ip, wg, birdc, shorewall, sysctl, modprobe) are stand-ins on
# PATH that answer "not there" (wireguard-go answers, so that the userspace backend is chosen).
set -eu
bin=$1
work=$2
site_bin=$(cd -P -- "$(dirname -- "$0")/../bin" && pwd)
if [ ! -x "$site_bin/wgsite" ] || [ ! -x "$site_bin/wgpub" ]; then
  echo "cds-training: no wgsite/wgpub in $site_bin: training --help only" >&2
  exit 0
fi
domain=cds-training.example.org
site=$work/site/wgmesh.yaml
etc=$work/etc
mkdir -p "$work/site" "$etc" "$work/stand-ins"
for tool in wg birdc shorewall shorewall6 sysctl modprobe bird; do
  printf '#!/bin/sh\nexit 1\n' >"$work/stand-ins/$tool"
done
printf '#!/bin/sh\necho "wireguard-go v0 (stand-in)"\n' >"$work/stand-ins/wireguard-go"
# ip knows only the trust interface, so the plan goes all the way to rendering and the diff.
cat >"$work/stand-ins/ip" <<'STANDIN'
#!/bin/sh
case "$*" in
  "-j addr show dev eth1")
    echo '[{"ifname":"eth1","flags":["UP"],"addr_info":[{"local":"198.18.0.1","prefixlen":24,"scope":"global"}]}]' ;;
  *) exit 1 ;;
esac
STANDIN
chmod 755 "$work"/stand-ins/*
PATH=$work/stand-ins:$PATH
export PATH

"$site_bin/wgsite" --domain "$domain" --locus training --publish "zonefile:$work/zone" "$site" >/dev/null
"$site_bin/wgpub" -q "$site"
fingerprint=$("$site_bin/wgsite" "$site" | sed -n 's/.*\(SHA256:[A-Za-z0-9+/=]*\).*/\1/p' | head -n 1)
"$bin/wgconfig" --config-dir "$etc" --zone-file "$work/zone" --site-fingerprint "$fingerprint" \
  --root "$work/root" -i eth0 -T eth1 -I 198.18.0.1/24 -I fd00:18::1/64 \
  --public-address 192.0.2.1 --hostname training "$domain"
"$bin/wghost" --config-dir "$etc" "$domain" >"$work/blob"
"$site_bin/wgsite" -i "@$work/blob" --yes "$site" >/dev/null
# A second host, so that the endpoint has a peer to plan a link, a BGP session and a DNAT for.
"$bin/wgconfig" --config-dir "$work/etc2" --zone-file "$work/zone" --site-fingerprint "$fingerprint" \
  --root "$work/root2" -i eth0 -T eth1 -I 198.18.1.1/24 --public-address 192.0.2.2 --hostname peer "$domain"
"$bin/wghost" --config-dir "$work/etc2" "$domain" >"$work/blob2"
"$site_bin/wgsite" -i "@$work/blob2" --yes "$site" >/dev/null
"$site_bin/wgpub" -q "$site"
"$bin/wgdeploy" --config-dir "$etc" --dry-run "$domain"
