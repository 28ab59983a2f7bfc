# bench-lib.sh: measuring helpers shared by scripts/bench.sh and scripts/bench-topology.sh.
# Sourced; needs bash.

TIMEFORMAT='%3R %3U %3S'
# timed OUT ERR CMD...: runs CMD once; sets WALL and CPU (seconds). Stops the benchmark if CMD fails.
timed() {
  local o=$1 e=$2 t w u s
  shift 2
  if ! t=$({ time "$@" >"$o" 2>"$e"; } 2>&1); then
    echo "error: failed: $*" >&2
    cat "$e" >&2
    exit 1
  fi
  read -r w u s <<<"$t"
  WALL=$w
  CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%d", s * 1000 + 0.5 }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# set_topology SITE_FILE POLICY 'HUB, HUB': writes the site file's topology as a mapping, in place
# of a `topology:` line if there is one (wgsite then validates the file).
set_topology() {
  local site=$1 policy=$2 hubs=$3
  sed -i '/^topology:/d' "$site"
  printf 'topology:\n  policy: %s\n  hubs: [%s]\n' "$policy" "$hubs" >>"$site"
}
