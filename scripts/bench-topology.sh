#!/usr/bin/env bash
# Benchmark of the topology policies (docs/benchmarks.md, "Topologies"): the endpoint's planner and
# renderer for a hub and for a spoke of an N-host mesh (default 1000), full mesh against
# hub-and-spoke, and the DNS data per host under each policy.
#
#   scripts/bench-topology.sh [--hosts N] [--runs N] [--policies "full-mesh hub-and-spoke"] [--out DIR]
#
# Two real endpoints (hub-a, spoke-a) are enrolled with wgconfig and wghost against a zone file;
# N-2 more hosts are registration blobs made by wgsite's BlobGenerator. `wgdeploy --dry-run` runs
# with stand-ins for the host tools (ip, wg, birdc, shorewall, sysctl: the CDS training's), so
# nothing on the machine is read or changed. Each figure is the median over the runs: wall and CPU
# time (bash's time), peak memory (GNU time's maximum resident set size), WireGuard configs
# rendered. Writes only below a temporary directory and DIR (default dist/bench):
# topology.txt and topology.json. --policies measures only those (a 10,000-host full mesh
# renders 10,000 WireGuard files per endpoint: minutes).
set -euo pipefail

root=$(cd -P -- "$(dirname -- "$0")/.." && pwd)
dist=${WGMESH_DIST:-$root/dist}
hosts=1000
runs=3
policies="full-mesh hub-and-spoke"
out=$dist/bench
usage() { sed -n '2,16s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
  case $1 in
    --hosts) hosts=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --policies) policies=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $hosts =~ ^[0-9]+$ ]] && [ "$hosts" -ge 4 ] || { echo "error: --hosts must be at least 4" >&2; exit 2; }
[ -x "$dist/bin/wgdeploy" ] || { echo "error: $dist/bin/wgdeploy missing: mvn -B package -DskipTests" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time missing (Debian package time)" >&2; exit 1; }
# shellcheck source=bench-lib.sh
. "$root/scripts/bench-lib.sh"
java=${WGMESH_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
javac=${JAVA_HOME:+$JAVA_HOME/bin/}javac
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/wgmesh-bench-topology.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
"$javac" -nowarn -d "$work/classes" -cp "$dist/lib/wgsite.jar" "$root"/wgsite/src/test/java/org/wgmesh/site/bench/{BlobGenerator,ZoneStats}.java
helper() { "$java" -XX:TieredStopAtLevel=1 -cp "$dist/lib/wgsite.jar:$work/classes" "org.wgmesh.site.bench.$1" "${@:2}"; }
bin=$dist/bin

# Stand-ins for the host tools: nothing is there but the trust interface eth1, whose address is
# the endpoint's own (BENCH_TRUST), so the plan goes all the way to rendering.
mkdir -p "$work/stand-ins"
for tool in wg birdc shorewall shorewall6 sysctl modprobe bird; do
  printf '#!/bin/sh\nexit 1\n' >"$work/stand-ins/$tool"
done
printf '#!/bin/sh\necho "wireguard-go v0 (stand-in)"\n' >"$work/stand-ins/wireguard-go"
cat >"$work/stand-ins/ip" <<'STANDIN'
#!/bin/sh
case "$*" in
  "-j addr show dev eth1")
    echo "[{\"ifname\":\"eth1\",\"flags\":[\"UP\"],\"addr_info\":[{\"local\":\"${BENCH_TRUST%/*}\",\"prefixlen\":${BENCH_TRUST#*/},\"scope\":\"global\"}]}]" ;;
  *) exit 1 ;;
esac
STANDIN
chmod 755 "$work"/stand-ins/*

domain=topology.example.org
site=$work/site/wgmesh.yaml
zone=$work/zone
mkdir -p "$work/site"
echo "topology benchmark: $hosts hosts, $runs run(s); load $(loadavg)" >&2
"$bin/wgsite" --domain "$domain" --locus bench --publish "zonefile:$zone" "$site" >/dev/null
"$bin/wgpub" -q "$site"
fingerprint=$("$bin/wgsite" "$site" | sed -n 's/.*\(SHA256:[A-Za-z0-9+/=]*\).*/\1/p' | head -n 1)
declare -A trust=([hub-a]=198.18.0.1/24 [spoke-a]=198.18.1.1/24)
declare -A public=([hub-a]=192.0.2.1 [spoke-a]=192.0.2.2)
for e in hub-a spoke-a; do
  PATH=$work/stand-ins:$PATH "$bin/wgconfig" --config-dir "$work/$e/etc" --zone-file "$zone" \
    --site-fingerprint "$fingerprint" --root "$work/$e/root" -i eth0 -T eth1 -I "${trust[$e]}" \
    --public-address "${public[$e]}" --hostname "$e" "$domain" >/dev/null
  PATH=$work/stand-ins:$PATH "$bin/wghost" --config-dir "$work/$e/etc" "$domain" >>"$work/blobs"
done
helper BlobGenerator "$site" 1 $((hosts - 2)) "$work/generated.blobs"
cat "$work/generated.blobs" >>"$work/blobs"
"$bin/wgsite" -i "@$work/blobs" --yes "$site" >/dev/null

json_items=()
record() { json_items+=("\"$1\": $2"); }
rows=()

# measure POLICY: publishes the site as it is, then times the dry runs of both endpoints.
measure() {
  local policy=$1 e r walls cpus rss links
  "$bin/wgpub" -q "$site" >/dev/null
  helper ZoneStats "$zone" >"$work/$policy.stats"
  local bytes rrsets
  bytes=$(sed -n 's/^file_bytes=//p' "$work/$policy.stats")
  rrsets=$(sed -n 's/^rrsets=//p' "$work/$policy.stats")
  record "${policy}_zone_bytes" "$bytes"
  record "${policy}_zone_bytes_per_host" "$((bytes / hosts))"
  record "${policy}_zone_rrsets" "$rrsets"
  rows+=("$policy|DNS data|$bytes bytes in $rrsets RRsets, $((bytes / hosts)) bytes per host")
  for e in hub-a spoke-a; do
    walls=() cpus=() rss=()
    for r in $(seq "$runs"); do
      BENCH_TRUST=${trust[$e]} PATH=$work/stand-ins:$PATH timed "$work/$policy-$e.out" "$work/$policy-$e.err" \
        /usr/bin/time -f '%M' -o "$work/rss" "$bin/wgdeploy" --config-dir "$work/$e/etc" --dry-run -v "$domain"
      walls+=("$WALL") cpus+=("$CPU") rss+=("$(cat "$work/rss")")
    done
    # One WireGuard config per link (wg<N>.conf), each named in the plan.
    links=$(grep -oE 'wg[0-9]+\.conf' "$work/$policy-$e.out" "$work/$policy-$e.err" | sed 's/.*://' | sort -u | wc -l)
    local w c m
    w=$(median "${walls[@]}") c=$(median "${cpus[@]}") m=$(median "${rss[@]}")
    m=${m%.*} # a median of an even count is a mean
    record "${policy}_${e}_dry_run_wall_s" "$w"
    record "${policy}_${e}_dry_run_cpu_s" "$c"
    record "${policy}_${e}_max_rss_kib" "$m"
    record "${policy}_${e}_links" "$links"
    rows+=("$policy|wgdeploy --dry-run, $e|$links links; $(ms "$w") ms wall, $(ms "$c") ms CPU, $((m / 1024)) MiB peak RSS")
    echo "   $policy, $e: $links links, $(ms "$w") ms (cpu $(ms "$c") ms), $((m / 1024)) MiB" >&2
  done
}

case " $policies " in
  *" full-mesh "*)
    echo "== full-mesh" >&2
    measure full-mesh ;;
esac
case " $policies " in
  *" hub-and-spoke "*)
    echo "== hub-and-spoke (hubs hub-a, bench-1)" >&2
    set_topology "$site" 'hub-and-spoke' 'hub-a, bench-1'
    "$bin/wgsite" "$site" >/dev/null
    measure hub-and-spoke ;;
esac

record hosts "$hosts"
record runs "$runs"
record commit "\"$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)\""
record load_after "\"$(loadavg)\""
{
  printf '{\n'
  for i in "${!json_items[@]}"; do
    printf '  %s%s\n' "${json_items[$i]}" "$([ "$i" -lt $((${#json_items[@]} - 1)) ] && echo ,)"
  done
  printf '}\n'
} >"$out/topology.json"
{
  printf '| policy | what | %s hosts, median of %s |\n|---|---|---|\n' "$hosts" "$runs"
  for r in "${rows[@]}"; do printf '| %s |\n' "${r//|/ | }"; done
} | tee "$out/topology.txt"
