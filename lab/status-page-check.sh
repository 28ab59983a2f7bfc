#!/usr/bin/env bash
# status-page-check.sh: the status page (issue 23) in headless Chromium against a local service.
#
#   lab/status-page-check.sh [SCREENSHOT_DIR]      (default lab/artefacts/status-page)
#
# Makes, in a temporary directory: a site with hosts h1..h3 (written into the site file), a TLS CA
# and a server certificate for 127.0.0.1, a fleet CA with a device certificate per host, an admin
# password (wgsite --admin-password). Starts `wgsite --serve` on 127.0.0.1 on a free port, posts a
# healthy report for every host with curl and runs lab/browser/status-page.mjs: every host must
# show healthy (screenshot); then posts a report of h2 whose handshake with h1 is 10 minutes old,
# and the page must show h2 unhealthy without a reload (screenshot). Needs dist/bin (mvn package),
# openssl, curl, node + npm, chromium (apt-get install chromium); runs `npm ci` in lab/browser when
# its node_modules is missing. Every process it starts is stopped by its PID, also on failure.
# Exit 0: passed; 1: failed (the message says where); 2: something it needs is missing.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHOTS=${1:-$ROOT/lab/artefacts/status-page}
BIN=${WGMESH_BIN:-$ROOT/dist/bin}
HOSTS=(h1 h2 h3)

fail() { echo "status-page-check: FAILED: $*" >&2; exit 1; }
need() { echo "status-page-check: $*" >&2; exit 2; }

for tool in openssl curl node npm; do command -v "$tool" >/dev/null || need "$tool is not installed"; done
[ -x /usr/bin/chromium ] || need "chromium is not installed (apt-get install chromium)"
[ -x "$BIN/wgsite" ] || need "no $BIN/wgsite: build first (mvn -B -ntp package -DskipTests)"
if [ ! -d lab/browser/node_modules/playwright-core ]; then
    (cd lab/browser && npm ci --no-audit --no-fund --ignore-scripts >/dev/null) || need "npm ci in lab/browser failed"
fi

WORK=$(mktemp -d /tmp/wgmesh-status-page.XXXXXX)
SERVE_PID=
BROWSER_PID=
cleanup() {
    local pid
    for pid in $BROWSER_PID $SERVE_PID; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null
        fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- certificates (openssl) ---
# shellcheck source=pki.sh
. "$ROOT/lab/pki.sh"
pki_ca "$WORK/tls" "wgmesh status-page test TLS CA" &&
    pki_leaf "$WORK/tls" server "/CN=127.0.0.1" server "IP:127.0.0.1" ||
    fail "openssl: TLS CA and server certificate: $(tail -n 3 "$WORK/tls/openssl.log")"
pki_ca "$WORK/fleet" "wgmesh status-page test fleet CA" || fail "openssl: fleet CA"
for h in "${HOSTS[@]}"; do
    pki_leaf "$WORK/fleet" "$h" "/CN=$h.fleet.example" device || fail "openssl: device certificate of $h"
done

# --- the site: hosts written into the file, the enrolment section, the admin password ---
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
SITE=$WORK/wgmesh.yaml
"$BIN/wgsite" --domain mesh.example.com --locus lab --publish "zonefile:$WORK/mesh.zone" --yes \
    "$SITE" >/dev/null || fail "wgsite could not create the site"
{
    n=0
    for h in "${HOSTS[@]}"; do
        n=$((n + 1))
        echo "- uuid: $(cat /proc/sys/kernel/random/uuid)"
        echo "  hostname: $h"
        echo "  number: $n"
        echo "  asn: $((64511 + n))"
        echo "  public-key: $(openssl rand -base64 32)"
        echo "  endpoints:"
        echo "  - 198.51.100.$n"
        echo "  lan-prefixes: []"
    done
} >"$WORK/hosts.yaml"
sed -i -e '/^hosts: \[\]$/{r '"$WORK/hosts.yaml" -e 'c hosts:' -e '}' "$SITE"
cat >>"$SITE" <<YAML
enrolment:
  listen:
  - 127.0.0.1:$PORT
  tls-certificate: $WORK/tls/server.pem
  tls-key: $WORK/tls/server.key
  certificates:
  - name: fleet
    ca: $WORK/fleet/ca.pem
    subject: CN=*.fleet.example
    admit: auto
YAML
"$BIN/wgsite" "$SITE" >/dev/null || fail "the site file with hosts and enrolment: is not valid"
openssl rand -hex 16 >"$WORK/password"
"$BIN/wgsite" --admin-password admin "$SITE" <"$WORK/password" >/dev/null || fail "wgsite --admin-password"

# --- the service ---
"$BIN/wgsite" --serve "$SITE" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
URL=https://127.0.0.1:$PORT
up=0
for _ in $(seq 100); do
    # /status answers 401 without a credential: the service is up (and no API rate is spent).
    code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/tls/ca.pem" "$URL/status" || true)
    [ "$code" = 401 ] && { up=1; break; }
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.3
done
[ $up = 1 ] || fail "wgsite --serve did not come up: $(tail -5 "$WORK/serve.log")"

report() { # HOST CHECK(healthy|unhealthy) PEER:AGE...
    local host=$1 status=$2 healthy=true peers= p
    [ "$status" = healthy ] || healthy=false
    shift 2
    for p in "$@"; do
        peers+="${peers:+,}{\"peer\":\"${p%%:*}\",\"handshake-age\":${p##*:},\"rx-bytes\":1000,\"tx-bytes\":2000,\"endpoint\":null}"
    done
    local body="{\"serial\":1,\"check\":{\"status\":\"$status\",\"domain\":\"mesh.example.com\",\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"healthy\":$healthy,\"checks\":[]},\"peers\":[$peers]}"
    local code
    code=$(curl -s -o "$WORK/answer" -w '%{http_code}' --cacert "$WORK/tls/ca.pem" \
        --cert "$WORK/fleet/$host.pem" --key "$WORK/fleet/$host.key" \
        -H 'Content-Type: application/json' --data-binary "$body" "$URL/v1/report")
    [ "$code" = 200 ] || fail "report of $host answered $code: $(cat "$WORK/answer")"
}
report h1 healthy h2:10 h3:12
report h2 healthy h1:10 h3:15
report h3 healthy h1:12 h2:15

# --- the browser ---
mkdir -p "$SHOTS" || fail "cannot create $SHOTS"
rm -f "$SHOTS"/status-*.png
node lab/browser/status-page.mjs --url "$URL/status" --ca "$WORK/tls/ca.pem" \
    --user admin --password-file "$WORK/password" --hosts "$(IFS=,; echo "${HOSTS[*]}")" \
    --unhealthy h2 --screenshots "$SHOTS" --ready-file "$WORK/ready" --timeout 60 &
BROWSER_PID=$!
for _ in $(seq 900); do
    [ -e "$WORK/ready" ] && break
    kill -0 "$BROWSER_PID" 2>/dev/null || break
    sleep 0.1
done
[ -e "$WORK/ready" ] || { wait "$BROWSER_PID"; BROWSER_PID=; fail "the page never showed every host healthy"; }
# h2 loses its link to h1: its handshake is 10 minutes old and its check fails.
report h2 unhealthy h1:600 h3:15
wait "$BROWSER_PID"
rc=$?
BROWSER_PID=
[ $rc = 0 ] || fail "the browser check exited $rc (service log: $(tail -3 "$WORK/serve.log"))"
echo "status-page-check: passed; screenshots in $SHOTS"
echo "1 passed, 0 failed"
