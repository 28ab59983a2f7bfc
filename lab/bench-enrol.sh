#!/usr/bin/env bash
# The report path at fleet scale (issue 23): N simulated endpoints, each with its own device
# certificate, POST a health report every INTERVAL seconds (spread evenly) to `wgsite --serve` on
# 127.0.0.1, started as the package runs it (dist/bin/wgsite, its own JVM). Prints the service's
# CPU (from /proc/PID/stat, over the measured window), resident memory (VmRSS sampled, VmHWM at
# the end) and the latency percentiles and errors the endpoints saw. Method: docs/benchmarks.md,
# "Health reports at fleet scale". Not part of scripts/test.sh: timed results are benchmarks.
#
#   lab/bench-enrol.sh [--endpoints N] [--interval S] [--duration S] [--peers N] [--burst N]
#                      [--certs DIR]
#
# Defaults: 1000 endpoints, every 30 s, for 180 s (the first interval is the warm-up), 8 peers in
# each report. Then --burst N (default 10, the per-address bucket; 0 skips it) more hosts enrol at
# the same moment (admit: auto: each admitted into the site file and published). The certificates (a CA, the server's, one per endpoint; openssl, about a minute for
# 1,000) are kept in --certs (default ${TMPDIR:-/tmp}/wgmesh-bench-enrol-certs) for the next run.
# Builds dist/ first (mvn -B -o -q package -DskipTests) when dist/bin/wgsite is missing. Stops what
# it started by PID on every exit and removes its work directory.
set -euo pipefail

root=$(cd -P -- "$(dirname -- "$0")/.." && pwd)
dist=${WGMESH_DIST:-$root/dist}
endpoints=1000
interval=30
duration=180
peers=8
burst=10
certs=${TMPDIR:-/tmp}/wgmesh-bench-enrol-certs

usage() { sed -n '2,18s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
  case $1 in
    --endpoints) endpoints=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    --burst) burst=$2; shift 2 ;;
    --certs) certs=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$endpoints" "$interval" "$duration" "$peers" "$burst"; do
  case $n in ''|*[!0-9]*) echo "error: '$n' is not a whole number" >&2; exit 2 ;; esac
done
if [ "$duration" -le "$interval" ]; then
  echo "error: --duration ($duration s) must be longer than --interval ($interval s): the first interval is the warm-up" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "error: this benchmark needs openssl" >&2; exit 1; }

if [ ! -x "$dist/bin/wgsite" ]; then
  echo "building dist/ (mvn -B -o -q package -DskipTests) ..." >&2
  (cd "$root" && mvn -B -o -q package -DskipTests)
fi
java=${WGMESH_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
javac=${JAVA_HOME:+$JAVA_HOME/bin/}javac
clk_tck=$(getconf CLK_TCK)

work=$(mktemp -d "${TMPDIR:-/tmp}/wgmesh-bench-enrol.XXXXXX")
service_pid=
load_pid=
cleanup() {
  local pid
  for pid in $load_pid $service_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- certificates (cached) ----------------------------------------------------------------------

# shellcheck source=pki.sh
. "$root/lab/pki.sh"
make_certs() {
  local d=$1 n=$2 i
  mkdir -p "$d"
  pki_ca "$d" "bench fleet CA" 30 && pki_crl "$d" &&
    pki_leaf "$d" server "/CN=site.bench.example" server "IP:127.0.0.1" || return 1
  for i in $(seq 1 "$n"); do
    pki_leaf "$d" "bench-$i" "/CN=bench-$i.fleet.example" device || return 1
  done
  echo "$n" >"$d/count"
}
total=$((endpoints + burst))
if [ "$(cat "$certs/count" 2>/dev/null)" != "$total" ]; then
  echo "making a CA, a server certificate and $total device certificates in $certs ..." >&2
  rm -rf -- "$certs"
  started=$SECONDS
  make_certs "$certs" "$total" || { echo "openssl failed: $(tail -n 3 "$certs/openssl.log")" >&2; exit 1; }
  echo "   $((SECONDS - started)) s" >&2
fi

# ---- a site of N hosts with an enrolment: section -------------------------------------------------

"$javac" -nowarn -d "$work/classes" -cp "$dist/lib/wgsite.jar" \
  "$root"/wgsite/src/test/java/org/wgmesh/site/bench/{BlobGenerator,EnrolBurst,LatencyStats,ReportLoad}.java
helper() { "$java" -cp "$dist/lib/wgsite.jar:$work/classes" "org.wgmesh.site.bench.$1" "${@:2}"; }
site=$work/site/wgmesh.yaml
mkdir -p "$work/site"
echo "making a site of $endpoints hosts ..." >&2
quiet() { "$@" >"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; echo "error: failed: $*" >&2; exit 1; }; }
quiet "$dist/bin/wgsite" --domain mesh.example.com --locus bench "$site"
quiet helper BlobGenerator "$site" 1 "$endpoints" "$work/blobs"
quiet "$dist/bin/wgsite" -i "@$work/blobs" --yes "$site"
quiet "$dist/bin/wgpub" "$site"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >>"$site" <<EOF
enrolment:
  listen:
  - 127.0.0.1:$port
  tls-certificate: $certs/server.pem
  tls-key: $certs/server.key
  certificates:
  - name: fleet
    ca: $certs/ca.pem
    crl: $certs/ca.crl
    subject: CN=*.fleet.example
    lan-prefixes:
    - 10.0.0.0/8
    admit: auto
EOF

# ---- the service, as the package runs it ---------------------------------------------------------

"$dist/bin/wgsite" --serve "$site" >"$work/service.log" 2>&1 &
service_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/service.log" && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.log" >&2; echo "error: the service did not start" >&2; exit 1; }
  sleep 0.2
done
grep -q "listening on" "$work/service.log" || { cat "$work/service.log" >&2; echo "error: the service did not start in 20 s" >&2; exit 1; }

# The service's own JVM: the launcher execs java, so $! is the java process.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$service_pid/stat"; }
status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$service_pid/status"; }
rss_idle=$(status_kb VmRSS)

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load: $endpoints endpoints every $interval s for $duration s ($peers peers a report); load average $load_before" >&2
helper ReportLoad "https://127.0.0.1:$port/v1/report" "$certs/ca.pem" "$certs" \
  "$endpoints" "$interval" "$duration" "$peers" >"$work/load.out" 2>"$work/load.err" &
load_pid=$!

# Sample: CPU at the end of the warm-up and at the end of the load; VmRSS every 5 s.
sleep $((interval + 1))
ticks0=$(cpu_ticks)
t0=$(date +%s.%N)
rss_max=0
while [ -n "$load_pid" ] && kill -0 "$load_pid" 2>/dev/null; do
  rss=$(status_kb VmRSS)
  [ "$rss" -gt "$rss_max" ] && rss_max=$rss
  ticks1=$(cpu_ticks)
  t1=$(date +%s.%N)
  sleep 5
done
wait "$load_pid" || { cat "$work/load.err" >&2; echo "error: the load generator failed" >&2; exit 1; }
load_pid=
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
hwm=$(status_kb VmHWM)
rss_end=$(status_kb VmRSS)
threads=$(status_kb Threads)
# The live heap: what a full collection leaves (jcmd attaches; the launcher's -XX:-UsePerfData
# only hides the JVM from jps). RSS is mostly heap the JVM took and has not given back.
live_kb=?
if command -v jcmd >/dev/null && jcmd "$service_pid" GC.run >/dev/null 2>&1; then
  live_kb=$(jcmd "$service_pid" GC.heap_info 2>/dev/null |
    awk '/generation +total/ || /space +total/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); u += v } } END { print u + 0 }')
fi
status_file=$site.status
sleep 2
reported=$(grep -c '"received"' "$status_file" || true)

if [ "$burst" -gt 0 ]; then
  b0=$(cpu_ticks)
  helper EnrolBurst "https://127.0.0.1:$port/v1/enrol" "$certs/ca.pem" "$certs" "$site" \
    $((endpoints + 1)) "$burst" >"$work/burst.out" 2>"$work/burst.err" ||
    { cat "$work/burst.err" >&2; echo "error: the enrolment burst failed" >&2; exit 1; }
  b1=$(cpu_ticks)
  burst_cpu=$(awk -v a="$b0" -v b="$b1" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / hz }')
fi

cpu_pct=$(awk -v a="$ticks0" -v b="$ticks1" -v t0="$t0" -v t1="$t1" -v hz="$clk_tck" \
  'BEGIN { printf "%.1f", (b - a) / hz / (t1 - t0) * 100 }')
cpu_per_report=$(awk -v a="$ticks0" -v b="$ticks1" -v hz="$clk_tck" -v n="$endpoints" -v i="$interval" -v t0="$t0" -v t1="$t1" \
  'BEGIN { printf "%.2f", (b - a) / hz * 1000 / ((t1 - t0) * n / i) }')
get() { awk -v k="$1" '$1 == k { print $2 }' "$work/load.out"; }

echo
echo "report path at fleet scale: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "  load: $endpoints endpoints, one report each every $interval s ($(awk -v n="$endpoints" -v i="$interval" 'BEGIN { printf "%.1f", n / i }')/s), $duration s, body $(get body_bytes) bytes ($peers peers)"
echo "  load average: $load_before before, $load_after after"
echo "  latency (after the first interval): $(sed -n 's/^measured //p' "$work/load.out")"
echo "  latency of the first interval (warm-up): $(sed -n 's/^warmup //p' "$work/load.out")"
echo "  errors: $(get errors) $(awk '$1 == "error" { printf "(%s: %s) ", $2, $3 }' "$work/load.out")unfinished $(get unfinished); generator schedule lag at most $(get max_schedule_lag_ms) ms"
echo "  service CPU: ${cpu_pct}% of one core over the measured window ($cpu_per_report ms a report)"
echo "  service memory: VmRSS ${rss_idle} KiB idle, at most ${rss_max} KiB sampled, ${rss_end} KiB at the end; VmHWM ${hwm} KiB; ${threads} threads; live heap after a full GC ${live_kb} KiB${WGMESH_JAVA_OPTS:+ (WGMESH_JAVA_OPTS=$WGMESH_JAVA_OPTS)}"
echo "  status file: $reported hosts, $(stat -c %s "$status_file") bytes"
if [ "$burst" -gt 0 ]; then
  echo "  $(sed -n 's/^burst //p' "$work/burst.out"); service CPU ${burst_cpu} s"
  echo "  $(sed -n 's/^outcome //p' "$work/burst.out" | paste -sd ';' -)"
  echo "  site file after the burst: $(grep -c 'hostname: bench-' "$site" || true) hosts"
fi
