#!/usr/bin/env bash
# Benchmarks of the speed and size targets in the design (architecture.md section 7), measured
# end to end with the commands in dist/bin, as a user runs them. Method: docs/benchmarks.md.
#
#   scripts/bench.sh [--sizes "100 200 400 1000"] [--runs N] [--help-runs N] [--scale N] [--out DIR]
#
# Builds dist/ first (mvn -B -o -q package -DskipTests) when dist/bin/wgsite is missing. Runs as
# any user; writes only below a temporary directory and the output directory (default
# dist/bench/): results.json (machine-readable) and table.txt (the table printed at the end).
# Every figure is a median over the runs; wall-clock and CPU (user+sys) time are both recorded,
# because on a busy machine wall time mostly measures the other processes. --scale N (default
# 10000; 0 skips it) adds a site of N hosts: admitting N blobs at once, one more into N-1, the
# first publication and one with nothing to write, each with its peak memory (GNU time).
set -euo pipefail

root=$(cd -P -- "$(dirname -- "$0")/.." && pwd)
dist=${WGMESH_DIST:-$root/dist}
sizes="100 200 400 1000"
runs=3
help_runs=10
scale=10000
out=$dist/bench

usage() { sed -n '2,14s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --help-runs) help_runs=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

if [ ! -x "$dist/bin/wgsite" ]; then
  echo "building dist/ (mvn -B -o -q package -DskipTests) ..." >&2
  (cd "$root" && mvn -B -o -q package -DskipTests)
fi
java=${WGMESH_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
javac=${JAVA_HOME:+$JAVA_HOME/bin/}javac
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/wgmesh-bench.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

# The helpers (blob generator, zone statistics) are test sources of wgsite; compiled here against
# the shaded jar, so no Maven test class path is needed.
"$javac" -nowarn -d "$work/classes" -cp "$dist/lib/wgsite.jar" "$root"/wgsite/src/test/java/org/wgmesh/site/bench/{BlobGenerator,ZoneStats}.java
helper() { "$java" -XX:TieredStopAtLevel=1 -cp "$dist/lib/wgsite.jar:$work/classes" "org.wgmesh.site.bench.$1" "${@:2}"; }
wgsite=$dist/bin/wgsite
wgpub=$dist/bin/wgpub
[ -x "$wgpub" ] || { echo "error: $wgpub missing: this benchmark needs the wgpub command" >&2; exit 1; }

# ---- measuring ------------------------------------------------------------------------------

# shellcheck source=bench-lib.sh
. "$root/scripts/bench-lib.sh"

json_items=()
# record KEY VALUE...: one JSON member for results.json (values are numbers or pre-quoted strings).
record() { json_items+=("\"$1\": $2"); }
q() { printf '"%s"' "$1"; }

rows=()
# row WHAT ORIGINAL TARGET MEASURED MET
row() { rows+=("$1|$2|$3|$4|$5"); }
# verdict VALUE LIMIT [CPU]: "yes" when VALUE <= LIMIT; else "cpu only" when CPU <= LIMIT; else "no".
verdict() {
  if awk -v v="$1" -v l="$2" 'BEGIN { exit !(v <= l) }'; then echo yes
  elif [ -n "${3:-}" ] && awk -v v="$3" -v l="$2" 'BEGIN { exit !(v <= l) }'; then echo "cpu only"
  else echo no; fi
}

echo "wgmesh benchmark: sizes $sizes, $runs run(s) each, --help $help_runs runs; load $(loadavg)" >&2
record started "$(q "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
record commit "$(q "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)")"
record cpus "$(nproc)"
record memory_kib "$(awk '/MemTotal/ { print $2 }' /proc/meminfo)"
record java "$(q "$("$java" -version 2>&1 | head -n 1 | sed 's/"/\\"/g')")"
load_before=$(loadavg)
record load_before "$(q "$load_before")"

domain=mesh.example.com

# publish_copies SITE_DIR PREFIX: for each run r, copies SITE_DIR to PREFIXr and times wgpub there
# (output in PREFIXr.out); sets the arrays walls and cpus.
publish_copies() {
  walls=() cpus=()
  local r
  for r in $(seq "$runs"); do
    cp -a "$1" "$2$r"
    timed "$2$r.out" "$2$r.err" "$wgpub" --publish "zonefile:$2$r/mesh.zone" "$2$r/wgmesh.yaml"
    walls+=("$WALL") cpus+=("$CPU")
  done
}
declare -A publish_wall publish_cpu total_bytes join_changed stats_max stats_answer

# ---- publish N hosts ------------------------------------------------------------------------

for n in $sizes; do
  echo "== $n hosts" >&2
  d=$work/n$n
  mkdir -p "$d/base"
  timed "$d/create.out" "$d/create.err" "$wgsite" --domain "$domain" --locus bench "$d/base/wgmesh.yaml"
  helper BlobGenerator "$d/base/wgmesh.yaml" 1 $((n + 1)) "$d/all.blobs"
  head -n "$n" "$d/all.blobs" >"$d/blobs"
  tail -n 1 "$d/all.blobs" >"$d/join.blob"
  timed "$d/admit.out" "$d/admit.err" "$wgsite" -i "@$d/blobs" --yes "$d/base/wgmesh.yaml"
  record "admit_all_${n}_wall_s" "$WALL"
  record "admit_all_${n}_cpu_s" "$CPU"
  echo "   admit $n blobs: ${WALL} s (cpu ${CPU} s)" >&2

  # First publish: every record. Each run on its own copy of the freshly admitted site.
  publish_copies "$d/base" "$d/run"
  publish_wall[$n]=$(median "${walls[@]}") publish_cpu[$n]=$(median "${cpus[@]}")
  record "publish_first_${n}_wall_s" "${publish_wall[$n]}"
  record "publish_first_${n}_cpu_s" "${publish_cpu[$n]}"
  echo "   first publish: ${publish_wall[$n]} s (cpu ${publish_cpu[$n]} s; runs: ${walls[*]})" >&2

  # Sizes of what was published.
  helper ZoneStats "$d/run1/mesh.zone" >"$d/stats"
  stat_() { sed -n "s/^$1=//p" "$d/stats"; }
  total_bytes[$n]=$(stat_ file_bytes)
  for k in file_bytes rrsets records wire_bytes max_rrset_wire max_answer; do record "zone_${n}_$k" "$(stat_ $k)"; done
  record "zone_${n}_max_rrset_name" "$(q "$(stat_ max_rrset_name)")"
  record "zone_${n}_bytes_per_host" "$(( $(stat_ file_bytes) / n ))"
  echo "   zone: $(stat_ file_bytes) bytes in $(stat_ rrsets) RRsets; largest RRset $(stat_ max_rrset_wire) bytes ($(stat_ max_rrset_name)), its answer $(stat_ max_answer) bytes" >&2

  # Second run: nothing to write. The zone file must stay byte for byte and time stamp the same.
  before=$(stat -c '%Y.%s' "$d/run1/mesh.zone")
  sum_before=$(cksum <"$d/run1/mesh.zone")
  walls=() cpus=()
  for r in $(seq "$runs"); do
    timed "$d/again$r.out" "$d/again$r.err" "$wgpub" --publish "zonefile:$d/run1/mesh.zone" "$d/run1/wgmesh.yaml"
    walls+=("$WALL") cpus+=("$CPU")
  done
  unchanged=false
  if grep -q 'up to date' "$d/again1.out" && [ "$(cksum <"$d/run1/mesh.zone")" = "$sum_before" ] \
      && [ "$(stat -c '%Y.%s' "$d/run1/mesh.zone")" = "$before" ]; then unchanged=true; fi
  record "publish_again_${n}_wall_s" "$(median "${walls[@]}")"
  record "publish_again_${n}_cpu_s" "$(median "${cpus[@]}")"
  record "publish_again_${n}_nothing_written" "$unchanged"
  echo "   nothing to write: $(median "${walls[@]}") s (cpu $(median "${cpus[@]}") s), file untouched: $unchanged" >&2

  # Join: admit one more host, publish; count the RRsets written.
  timed "$d/admit1.out" "$d/admit1.err" "$wgsite" -i "$(cat "$d/join.blob")" --yes "$d/run1/wgmesh.yaml"
  publish_copies "$d/run1" "$d/join"
  changed=$(grep -c '^[-+~] ' "$d/join1.out" || true)
  record "join_${n}_rrsets_changed" "$changed"
  record "join_${n}_publish_wall_s" "$(median "${walls[@]}")"
  record "join_${n}_publish_cpu_s" "$(median "${cpus[@]}")"
  echo "   join: $changed RRset(s) written: $(grep '^[-+~] ' "$d/join1.out" | cut -c1-60 | tr '\n' ';')" >&2
  join_changed[$n]=$changed stats_max[$n]=$(stat_ max_rrset_wire) stats_answer[$n]=$(stat_ max_answer)
  rm -rf "$d"/run[2-9]* "$d"/join*
done

# ---- admit one host into a site of 399 ------------------------------------------------------

echo "== admit one host into a site of 399" >&2
d=$work/admit
mkdir -p "$d/base"
"$wgsite" --domain "$domain" --locus bench "$d/base/wgmesh.yaml" >/dev/null 2>&1
helper BlobGenerator "$d/base/wgmesh.yaml" 1 400 "$d/all.blobs"
head -n 399 "$d/all.blobs" >"$d/blobs"
"$wgsite" -i "@$d/blobs" --yes "$d/base/wgmesh.yaml" >/dev/null 2>&1
blob=$(tail -n 1 "$d/all.blobs")
walls=() cpus=()
for r in $(seq "$runs"); do
  cp -a "$d/base" "$d/run$r"
  timed "$d/out$r" "$d/err$r" "$wgsite" -i "$blob" --yes "$d/run$r/wgmesh.yaml"
  walls+=("$WALL") cpus+=("$CPU")
done
admit_wall=$(median "${walls[@]}") admit_cpu=$(median "${cpus[@]}")
record admit_one_into_399_wall_s "$admit_wall"
record admit_one_into_399_cpu_s "$admit_cpu"
echo "   ${admit_wall} s (cpu ${admit_cpu} s; runs: ${walls[*]})" >&2
rm -rf "$d"

# ---- a site of $scale hosts ------------------------------------------------------------------

# timed_rss OUT ERR CMD...: as timed, and sets RSS (peak resident set size, MiB) from GNU time.
timed_rss() {
  local o=$1 e=$2
  shift 2
  timed "$o" "$e" /usr/bin/time -f '%M' -o "$work/rss" "$@"
  RSS=$(( $(tail -n 1 "$work/rss") / 1024 ))
}
# scale_figure KEY CMD...: runs CMD once per run (after "prepare r", which sets up run r) and
# records the medians of wall, CPU and peak memory as KEY_*.
declare -A scale_wall scale_cpu scale_rss
scale_figure() {
  local key=$1 r
  shift
  walls=() cpus=()
  local rsss=()
  for r in $(seq "$runs"); do
    prepare "$r"
    timed_rss "$d/$key$r.out" "$d/$key$r.err" "$@"
    walls+=("$WALL") cpus+=("$CPU") rsss+=("$RSS")
  done
  scale_wall[$key]=$(median "${walls[@]}") scale_cpu[$key]=$(median "${cpus[@]}")
  scale_rss[$key]=$(median "${rsss[@]}")
  scale_rss[$key]=${scale_rss[$key]%.*}
  record "scale_${key}_wall_s" "${scale_wall[$key]}"
  record "scale_${key}_cpu_s" "${scale_cpu[$key]}"
  record "scale_${key}_max_rss_mib" "${scale_rss[$key]}"
  echo "   $key: ${scale_wall[$key]} s (cpu ${scale_cpu[$key]} s, peak ${scale_rss[$key]} MiB; runs: ${walls[*]})" >&2
}
if [ "$scale" -gt 0 ]; then
  [ -x /usr/bin/time ] || { echo "error: /usr/bin/time missing (Debian package time)" >&2; exit 1; }
  echo "== a site of $scale hosts" >&2
  d=$work/scale
  mkdir -p "$d/empty"
  # No --asn-range: past 1,023 hosts the default range gains the 4-byte private one.
  "$wgsite" --domain "$domain" --locus bench "$d/empty/wgmesh.yaml" >/dev/null 2>&1
  helper BlobGenerator "$d/empty/wgmesh.yaml" 1 $((scale + 1)) "$d/all.blobs"
  head -n "$scale" "$d/all.blobs" >"$d/blobs"
  head -n $((scale - 1)) "$d/all.blobs" >"$d/blobs-1"
  tail -n 1 "$d/all.blobs" >"$d/join.blob"
  prepare() { rm -rf "$d/run"; cp -a "$d/empty" "$d/run"; }
  scale_figure admit_all "$wgsite" -i "@$d/blobs" --yes "$d/run/wgmesh.yaml"
  cp -a "$d/run" "$d/admitted"
  "$wgsite" --list "$d/admitted/wgmesh.yaml" | grep -c . >/dev/null
  cp -a "$d/empty" "$d/minus1"
  "$wgsite" -i "@$d/blobs-1" --yes "$d/minus1/wgmesh.yaml" >/dev/null 2>&1
  prepare() { rm -rf "$d/run"; cp -a "$d/minus1" "$d/run"; }
  scale_figure admit_one "$wgsite" -i "$(cat "$d/join.blob")" --yes "$d/run/wgmesh.yaml"
  prepare() { rm -rf "$d/run"; cp -a "$d/admitted" "$d/run"; }
  scale_figure publish_first "$wgpub" --publish "zonefile:$d/run/mesh.zone" "$d/run/wgmesh.yaml"
  rm -rf "$d/published"
  cp -a "$d/run" "$d/published"
  prepare() { :; }
  scale_figure publish_again "$wgpub" --publish "zonefile:$d/published/mesh.zone" "$d/published/wgmesh.yaml"
  grep -q 'up to date' "$d/publish_again1.out" || { echo "error: the second wgpub wrote something" >&2; exit 1; }
  record scale_hosts "$scale"
  record scale_asn_range "$(q "$(sed -n 's/^asn-range: //p' "$d/admitted/wgmesh.yaml")")"
  rm -rf "$d"
fi

# ---- start-up: --help of every launcher -----------------------------------------------------

echo "== start-up (--help, $help_runs runs each, with and without the CDS archive)" >&2
# Round robin (every launcher and mode once per round), so a change of load hits all alike. The
# JVM floor ("java -version" with the launchers' flags) says how fast the machine was meanwhile.
declare -A help_walls help_cpus
launchers=()
for launcher in "$dist"/bin/*; do
  [ -f "$launcher" ] && [ -x "$launcher" ] && launchers+=("$launcher")
done
for r in $(seq "$help_runs"); do
  for launcher in "${launchers[@]}"; do
    name=$(basename -- "$launcher")
    for cds in auto off; do
      timed "$work/help.out" "$work/help.err" env WGMESH_CDS=$cds "$launcher" --help
      help_walls[$name.$cds]+=" $WALL" help_cpus[$name.$cds]+=" $CPU"
    done
  done
  timed "$work/help.out" "$work/help.err" "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn16m -XX:-UsePerfData -Xshare:auto -version
  help_walls[jvm]+=" $WALL" help_cpus[jvm]+=" $CPU"
done
declare -A help_wall help_cpu
for key in "${!help_walls[@]}"; do
  # shellcheck disable=SC2086
  help_wall[$key]=$(median ${help_walls[$key]}) help_cpu[$key]=$(median ${help_cpus[$key]})
done
record help_jvm_floor_wall_ms "$(ms "${help_wall[jvm]}")"
record help_jvm_floor_cpu_ms "$(ms "${help_cpu[jvm]}")"
echo "   JVM floor (java -version): $(ms "${help_wall[jvm]}") ms (cpu $(ms "${help_cpu[jvm]}"))" >&2
for launcher in "${launchers[@]}"; do
  name=$(basename -- "$launcher")
  for cds in auto off; do
    record "help_${name}_cds_${cds}_wall_ms" "$(ms "${help_wall[$name.$cds]}")"
    record "help_${name}_cds_${cds}_cpu_ms" "$(ms "${help_cpu[$name.$cds]}")"
  done
  echo "   $name: $(ms "${help_wall[$name.auto]}") ms with CDS (cpu $(ms "${help_cpu[$name.auto]}")), $(ms "${help_wall[$name.off]}") ms without (cpu $(ms "${help_cpu[$name.off]}"))" >&2
done
record load_after "$(q "$(loadavg)")"

# ---- the table ------------------------------------------------------------------------------

# The original's medians, measured beside this project on this machine kind on 2026-12-04
# (../shared/reference/original-benchmarks.md): LOW HIGH seconds.
declare -A original=([100]="0.86 0.92" [400]="10.4 11.6")
orig_admit="1.05 1.07"
# ratio VALUE "LOW HIGH": ours over the original's, against both ends of its range.
ratio() {
  awk -v v="$1" -v r="$2" 'BEGIN { split(r, a, " "); printf "%.3fx-%.3fx", v / a[2], v / a[1] }'
}
# orig_text "LOW HIGH": "LOW to HIGH s (2026-12-04)".
orig_text() { [ -n "$1" ] && echo "${1% *} to ${1#* } s (2026-12-04)" || echo "-"; }
for n in $sizes; do
  w=${publish_wall[$n]} c=${publish_cpu[$n]}
  o=${original[$n]:-}
  case $n in
    # At most 0.05 times the original's fastest median (issue 21).
    400) target="<= 0.05x (0.52 s)"; met=$(verdict "$w" 0.52 "$c") ;;
    1000) target="< 2 s"; met=$(verdict "$w" 1.999 "$c") ;;
    *) target="-"; met="-" ;;
  esac
  row "publish $n hosts to a zone file" "$(orig_text "$o")" "$target" "$w s (cpu $c s)${o:+; $(ratio "$w" "$o")}" "$met"
done
for n in $sizes; do
  mx=${stats_max[$n]} ans=${stats_answer[$n]}
  case $n in
    400) orig="146 KB answer" ;;
    *) orig="-" ;;
  esac
  row "largest RRset (answer), $n hosts" "$orig" "< 4096 bytes" "$mx bytes ($ans)" "$(verdict "$mx" 4095)"
done
first=${sizes%% *}
for n in $sizes; do
  per=$(( total_bytes[$n] / n ))
  case $n in
    400) orig="47 MB" ;;
    *) orig="-" ;;
  esac
  base_per=$(( total_bytes[$first] / first ))
  # "linear": bytes per host stays within 25% of the smallest size's.
  lin=$(awk -v a="$per" -v b="$base_per" 'BEGIN { print (a <= b * 1.25 && a >= b * 0.75) ? "yes" : "no" }')
  row "zone file total, $n hosts" "$orig" "linear in N" "${total_bytes[$n]} bytes ($per/host)" "$lin"
done
for n in $sizes; do
  c=${join_changed[$n]}
  row "RRsets written by a join, $n+1 hosts" "every host record" "<= 3" "$c" "$( [ "$c" -le 3 ] && echo yes || echo no)"
done
row "admit one host into a site of 399" "$(orig_text "$orig_admit")" "<= 0.15x (0.158 s)" "$admit_wall s (cpu $admit_cpu s; $(ratio "$admit_wall" "$orig_admit"))" "$(verdict "$admit_wall" 0.1575 "$admit_cpu")"
if [ "$scale" -gt 0 ]; then
  # name KEY TARGET LIMIT
  for spec in "admit_all|admit $scale blobs at once|<= 10 s|10" "admit_one|admit one host into a site of $((scale - 1))|<= 0.5 s|0.5" \
      "publish_first|first publication of $scale hosts|<= 3 s|3" "publish_again|wgpub with nothing to write, $scale hosts|<= 1 s|1"; do
    IFS='|' read -r key what target limit <<<"$spec"
    row "$what" "-" "$target" "${scale_wall[$key]} s (cpu ${scale_cpu[$key]} s; peak ${scale_rss[$key]} MiB)" "$(verdict "${scale_wall[$key]}" "$limit" "${scale_cpu[$key]}")"
  done
fi
for launcher in "$dist"/bin/*; do
  name=$(basename -- "$launcher")
  [ -n "${help_wall[$name.auto]:-}" ] || continue
  w=$(ms "${help_wall[$name.auto]}") c=$(ms "${help_cpu[$name.auto]}") wo=$(ms "${help_wall[$name.off]}")
  row "$name --help start-up" "200 to 210 ms (2026-12-04)" "<= 140 ms" "$w ms (cpu $c; no CDS $wo)" "$(verdict "$w" 140 "$c")"
done
row "(JVM floor: java -version, same flags)" "-" "-" "$(ms "${help_wall[jvm]}") ms (cpu $(ms "${help_cpu[jvm]}"))" "-"
row "last wgdeploy to full reachability, 3 hosts" "never" "<= 3 s" "lab (docs/benchmarks.md)" "-"
row "traffic loss after a link cut" "250 ms (BFD)" "<= 0.5 s" "lab (docs/benchmarks.md)" "-"
row "wgdeploy with nothing to change" "-" "no change; < 1 s" "lab (docs/benchmarks.md)" "-"

{
  echo "wgmesh benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load before $load_before, after $(loadavg)"
  echo "(original = the Python tool's medians beside this project on this machine kind, 2026-12-04; measured = median wall time, CPU = user+sys; ratio = ours / the original's)"
  printf '%s\n' "what|original|target|measured|met?" "${rows[@]}" | column -t -s '|' -o ' | '
} | tee "$out/table.txt"

{
  echo "{"
  last=$(( ${#json_items[@]} - 1 ))
  for i in "${!json_items[@]}"; do
    if [ "$i" -lt "$last" ]; then echo "  ${json_items[$i]},"; else echo "  ${json_items[$i]}"; fi
  done
  echo "}"
} >"$out/results.json"
echo "results: $out/results.json, $out/table.txt" >&2
