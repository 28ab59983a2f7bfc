#!/bin/bash
# meshflow.sh: the wgmesh flow and its checks on a meshlab lab, through the real commands only.
# Sourced by lab/e2e.sh and scripts/demo.sh (after lab/meshlab.sh); see docs/e2e.md.
#
#   mf_site_init                 wgsite creates the site in the `site` netns, wgpub publishes to Knot
#   mf_configure N [opts]        on hN: wgconfig (pins the site fingerprint; no public address for
#                                the hosts in $MF_NAT_HOSTS)
#   mf_enrol N [opts] [-- opts]  on hN: mf_configure and wghost > blob
#   mf_admit N...                wgsite -i @blobs --yes
#   mf_publish                   wgpub
#   mf_deploy N                  on hN: wgdeploy (direct supervisor), reading DNS from
#                                $MF_DEPLOY_RESOLVER when set (the lab's unbound), else from Knot
#   mf_check N                   on hN: wgdeploy --check (no DNS, queries only); its report in $MF_OUT
#   mf_remove N                  wgsite --remove hN --yes
#   mf_verify [options]          wgpub --verify: the site reads its publication back from Knot
#   mf_exporter_start N          a real node_exporter on hN (127.0.0.1:9100 in hN) serving its
#                                textfile directory, where wgdeploy writes its metrics
#   mf_scrape N                  one scrape of it into $MF_OUT
#   mf_metric NAME LABELS        a sample's value from the last scrape ('' if absent)
#   mf_sessions_ok N...          every BGP session to the other listed hosts Established, every BFD Up
#   mf_matrix_ok N...            every LAN client reaches every other one, IPv4 and IPv6
#   mf_wait_converged SECS N...  poll both until they hold (or the deadline passes)
#   mf_probe_start NAME FROM ADDR INTERVAL / mf_probe_stop NAME   continuous ping and its loss window
#   mf_endpoint N IFACE          what WireGuard on hN sees as IFACE's peer endpoint (ADDRESS:PORT)
#   mf_wait_endpoint SECS N IFACE GLOB   poll until it matches GLOB (e.g. '203.0.113.104:*')
# The site's enrolment service (docs/enrolment.md), in the `site` netns on $MF_SERVICE_URL:
#   mf_service_pki               the site TLS CA and the service's certificate (STATE/pki/site)
#   mf_service_section < RULES   appends the `enrolment:` section (listen, TLS files, then RULES:
#                                its certificates/tokens/limits keys, indented by 2); wgsite checks it
#   mf_service_start / mf_service_wait [SECS]   wgsite --serve in the background / until it listens
#   mf_token PATTERN FILE [opts] wgsite --token --hostname PATTERN with the lab's LAN prefixes > FILE
#   mf_enrol_service N CRED...   on hN: wghost --enrol URL --ca STATE/pki/site/ca.pem CRED... (run
#                                mf_configure N first); the decision in $MF_OUT
#
# Every function returns non-zero on failure and leaves the command's stderr in $MF_ERR.

MF_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MF_ROOT=$(cd "$MF_HERE/.." && pwd)
MF_BIN=${MF_BIN:-$MF_ROOT/dist/bin}
MF_ZONE=${MF_ZONE:-wgmesh.test}           # the reserved test zone Knot serves
MF_LOCUS=${MF_LOCUS:-mesh1}               # also the mesh namespace on every host
MF_DOMAIN=${MF_DOMAIN:-$MF_LOCUS.$MF_ZONE}
MF_DNS=203.0.113.53
MF_RESOLVER=$MF_DNS:53                     # the site's way to Knot (the site has both families)
# The underlay of the hosts: ipv4 (pub0 dual-stack, WireGuard over IPv4) or ipv6 (meshlab up
# --v6-only: pub0 has only 2001:db8:ff::N, WireGuard and DNS over IPv6).
MF_UNDERLAY=${MF_UNDERLAY:-ipv4}
MF_FIREWALL=${MF_FIREWALL:-}              # wgconfig --firewall on every host; empty: the default
MF_BFD=${MF_BFD:-}                         # wgsite's BFD profile; empty: the site's default
if [ "$MF_UNDERLAY" = ipv6 ]; then
    MF_HOST_RESOLVER="[2001:db8:ff::53]:53"
else
    MF_HOST_RESOLVER=$MF_RESOLVER
fi
MF_BIRD_SOCK=/run/wgmesh/bird-$MF_LOCUS.ctl   # docs/deploy.md: run root /run/wgmesh
MF_SERVICE_IP=203.0.113.250                # the site netns: the enrolment service listens there
MF_SERVICE_URL=https://$MF_SERVICE_IP:8443
MF_FP=
MF_ERR=
MF_OUT=

# shellcheck source=pki.sh
. "$MF_HERE/pki.sh"

mf_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

mf__site() { printf '%s/site' "$(ml__state)"; }

# Runs CMD in TARGET, keeps stdout in $MF_OUT and stderr in $MF_ERR, returns CMD's exit code.
mf__run() { # TARGET -- CMD...
    local t=$1 rc ef
    shift
    [ "${1:-}" = -- ] && shift
    ef=$(mktemp)
    MF_OUT=$(ml_exec "$t" -- "$@" 2>"$ef")
    rc=$?
    MF_ERR=$(cat "$ef")
    rm -f "$ef"
    return $rc
}

# ---------------------------------------------------------------- the flow

# Creates the site file in STATE/site (TSIG secret copied 0600 beside it) and publishes the empty
# mesh to Knot by RFC 2136. Needs `meshlab knot-start $MF_ZONE` first. Sets MF_FP.
mf_site_init() {
    local S D
    S=$(ml__state)
    D=$(mf__site)
    mkdir -p "$D" && chmod 0700 "$D"
    install -m 0600 "$S/knot/tsig.secret" "$D/tsig.secret"
    local opts=()
    [ -z "$MF_BFD" ] || opts+=(--bfd "$MF_BFD")
    mf__run site -- "$MF_BIN/wgsite" --domain "$MF_DOMAIN" --locus "$MF_LOCUS" "${opts[@]}" \
        --publish "rfc2136://$MF_RESOLVER?zone=$MF_ZONE&tsig=upd.key&secret-file=tsig.secret" \
        "$D/wgmesh.yaml" || return 1
    MF_FP=$(printf '%s\n' "$MF_OUT" | awk '$1 == "fingerprint:" {print $2}')
    [ -n "$MF_FP" ] || { MF_ERR="wgsite printed no fingerprint"; return 1; }
    mf_publish
}

# wgconfig on host N: reads the mesh record from the lab DNS and pins the site key by its
# fingerprint (no public address for the hosts in $MF_NAT_HOSTS). Also the first step of
# `wghost --enrol` (lab/e2e-enrol.sh).
mf_configure() { # N [more wgconfig options]
    local n=$1 public=203.0.113.$1 conf=()
    [ "$MF_UNDERLAY" = ipv6 ] && public=2001:db8:ff::$1
    [ -z "$MF_FIREWALL" ] || conf=(--firewall "$MF_FIREWALL")
    shift
    # A host behind the lab's NAT router (meshlab up --nat) has no public address.
    [[ " ${MF_NAT_HOSTS:-} " == *" $n "* ]] && public=
    mf__run "h$n" -- "$MF_BIN/wgconfig" -i pub0 -T lan0 -I "198.18.$n.1/24" -I "fd00:18:$n::1/64" \
        --public-address "$public" --hostname "h$n" --site-fingerprint "$MF_FP" \
        --resolver "$MF_HOST_RESOLVER" "${conf[@]}" "$@" "$MF_DOMAIN"
}

# Enrols host N: wgconfig reads the mesh record from the lab DNS and pins the site key by its
# fingerprint; wghost creates the host key and prints the blob (kept in STATE/site/blob-hN).
mf_enrol() { # N [more wgconfig options] [-- more wghost options]
    local n=$1 conf=() host=()
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do conf+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    host=("$@")
    mf_configure "$n" "${conf[@]}" || return 1
    mf__run "h$n" -- "$MF_BIN/wghost" "${host[@]}" "$MF_DOMAIN" || return 1
    [ -n "$MF_OUT" ] || { MF_ERR="wghost printed no blob"; return 1; }
    printf '%s\n' "$MF_OUT" >"$(mf__site)/blob-h$n"
}

# Admits the blobs of hosts N... in one wgsite run (all or nothing).
mf_admit() { # N...
    local D n
    D=$(mf__site)
    : >"$D/admit.txt"
    for n in "$@"; do cat "$D/blob-h$n" >>"$D/admit.txt" || return 1; done
    mf__run site -- "$MF_BIN/wgsite" -i "@$D/admit.txt" --yes "$D/wgmesh.yaml"
}

# wgdeploy --check on host N; returns its exit code (0 healthy, 12 not), MF_OUT holds the report.
mf_check() { # N [extra options]
    local n=$1
    shift
    mf__run "h$n" -- "$MF_BIN/wgdeploy" --check "$@" "$MF_DOMAIN"
}

mf_remove() { # N
    mf__run site -- "$MF_BIN/wgsite" --remove "h$1" --yes "$(mf__site)/wgmesh.yaml"
}

mf_verify() { # [options]
    mf__run site -- "$MF_BIN/wgpub" --verify "$@" "$(mf__site)/wgmesh.yaml"
}
MF_TEXTFILE_DIR=/var/lib/prometheus/node-exporter   # Debian's node_exporter reads it; wgdeploy writes it
mf_exporter_start() { # N
    local n=$1 i
    ml_exec "h$n" -- mkdir -p "$MF_TEXTFILE_DIR" || return 1
    ml_spawn "h$n" "node-exporter-h$n" -- prometheus-node-exporter --web.listen-address=127.0.0.1:9100 \
        --collector.disable-defaults --collector.textfile --collector.textfile.directory="$MF_TEXTFILE_DIR" \
        >/dev/null || { MF_ERR="node_exporter did not start"; return 1; }
    for i in $(seq 1 100); do
        mf_scrape "$n" && return 0
        sleep 0.1
    done
    MF_ERR="node_exporter on h$n does not answer on 127.0.0.1:9100: $(tail -n 3 "$(ml__state)/logs/node-exporter-h$n.log")"
    return 1
}
mf_scrape() { # N
    mf__run "h$1" -- curl -sS -f --max-time 5 http://127.0.0.1:9100/metrics
}
mf_metric() { # NAME LABELS   e.g. mf_metric wgmesh_link_bfd_up 'interface="wg2"'
    awk -v name="$1" -v want="$2" '
        $1 ~ /^#/ { next }
        { n = $1; sub(/\{.*/, "", n) }
        n == name && index($1, want) { print $2; exit }' <<<"$MF_OUT"
}
mf_publish() {
    mf__run site -- "$MF_BIN/wgpub" "$(mf__site)/wgmesh.yaml"
}

# wgdeploy on host N; returns wgdeploy's exit code (MF_ERR holds its stderr).
mf_deploy() { # N [extra options]
    local n=$1 rc log
    shift
    mf__run "h$n" -- "$MF_BIN/wgdeploy" --resolver "${MF_DEPLOY_RESOLVER:-$MF_HOST_RESOLVER}" --supervisor direct "$@" "$MF_DOMAIN"
    rc=$?
    # A daemon that did not come up names its log in the hint: keep the log's end with the error,
    # as the lab (and the log) are gone by the time anyone reads a failed run.
    if [ "$rc" != 0 ]; then
        for log in $(grep -o 'see /[^ ]*\.log' <<<"$MF_ERR" | cut -c5-); do
            MF_ERR+=$'\n'"--- end of $log on h$n:"$'\n'"$(ml_exec "h$n" -- tail -n 15 "$log" 2>&1)"
        done
    fi
    return $rc
}

# ---------------------------------------------------------------- the site's enrolment service

mf__pki() { printf '%s/pki' "$(ml__state)"; }

# The site TLS CA and the service's certificate, naming $MF_SERVICE_IP, in STATE/pki/site/ (lab/pki.sh).
# The hosts read STATE/pki/site/ca.pem (wghost --enrol --ca); the keys stay 0600.
mf_service_pki() {
    local d
    d=$(mf__pki)
    mkdir -p "$d" && chmod 0755 "$d" || { MF_ERR="cannot make $d"; return 1; }
    pki_ca "$d/site" "wgmesh lab site CA" &&
        pki_leaf "$d/site" server "/CN=site.wgmesh.test" server "IP:$MF_SERVICE_IP" ||
        { MF_ERR="site CA: $(tail -n 3 "$d/site/openssl.log")"; return 1; }
}

# Appends the site file's `enrolment:` section: listen on $MF_SERVICE_IP:8443 with the certificate
# of mf_service_pki, then the rest of the section from stdin (keys such as certificates, tokens,
# limits, indented by 2 spaces). wgsite reads the file back: a bad section fails here.
mf_service_section() { # < RULES
    local site pki
    site="$(mf__site)/wgmesh.yaml"
    pki=$(mf__pki)
    {
        printf 'enrolment:\n  listen:\n  - %s:8443\n  tls-certificate: %s\n  tls-key: %s\n' \
            "$MF_SERVICE_IP" "$pki/site/server.pem" "$pki/site/server.key"
        cat
    } >>"$site" || { MF_ERR="cannot write $site"; return 1; }
    mf__run site -- "$MF_BIN/wgsite" "$site"
}

# `wgsite --serve` in the site netns, in the background (log STATE/logs/wgsite-serve.log); its PID
# in MF_SERVE_PID. It takes a JVM start to listen: mf_service_wait.
MF_SERVE_PID=
mf_service_start() {
    MF_SERVE_PID=$(ml_spawn site wgsite-serve -- "$MF_BIN/wgsite" --serve "$(mf__site)/wgmesh.yaml") ||
        { MF_ERR="wgsite --serve did not start"; return 1; }
}

# Waits (at most SECS, default 30) until the service listens on $MF_SERVICE_IP:8443.
mf_service_wait() { # [SECS]
    local end=$(( $(mf_now_ms) + ${1:-30} * 1000 ))
    until ml_exec site -- ss -Hltn "sport = :8443" | grep -qE "$MF_SERVICE_IP]?:8443 "; do
        if ! ml__alive "${MF_SERVE_PID:-0}" || [ "$(mf_now_ms)" -ge "$end" ]; then
            MF_ERR="the service does not listen on $MF_SERVICE_IP:8443: $(tail -n 5 "$(ml__state)/logs/wgsite-serve.log")"
            return 1
        fi
        sleep 0.1
    done
}

# The token `wgsite --token` printed (in MF_OUT).
mf_token_of() { awk '$1 == "token:" {print $2}' <<<"$MF_OUT"; }

# A join token for hostnames PATTERN (`h4`, `h*`) that may announce the lab's LAN prefixes
# (198.18.0.0/16, fd00:18::/32), written to FILE (0600); more wgsite options (--uses N, --expires D).
mf_token() { # PATTERN FILE [more wgsite --token options]
    local pat=$1 f=$2
    shift 2
    mf__run site -- "$MF_BIN/wgsite" --token --hostname "$pat" --lan 198.18.0.0/16 --lan fd00:18::/32 \
        "$@" "$(mf__site)/wgmesh.yaml" || return 1
    (umask 077 && mf_token_of >"$f")
    [ -s "$f" ] || { MF_ERR="wgsite --token printed no token"; return 1; }
}

# wghost --enrol on host N with the service's CA and the credentials given (--token-file FILE,
# --cert FILE --key FILE) and any more wghost options (--shared-lan ...). Run mf_configure N first.
# Exit 0 admitted or queued (MF_OUT says which), 9 refused.
mf_enrol_service() { # N CREDENTIAL-OPTIONS...
    local n=$1
    shift
    mf__run "h$n" -- "$MF_BIN/wghost" --enrol "$MF_SERVICE_URL" --ca "$(mf__pki)/site/ca.pem" "$@" "$MF_DOMAIN"
}

# ---------------------------------------------------------------- state queries

mf_birdc() { # N ARGS...
    local n=$1
    shift
    ml_exec "h$n" -- birdc -s "$MF_BIRD_SOCK" "$@" 2>/dev/null
}

# Prints "wgP STATE INFO" for every BGP protocol of host N.
mf_bgp_list() { # N
    mf_birdc "$1" show protocols | awk '$2 == "BGP" {print $1, $4, $6}'
}

# Prints "INTERFACE STATE" for every BFD session of host N.
mf_bfd_list() { # N
    mf_birdc "$1" show bfd sessions | awk '$2 ~ /^wg/ {print $2, $3}'
}

# The hosts among those listed that host N links to: in a full mesh every other one. A scenario
# with another topology redefines it (lab/e2e-topology.sh).
mf_peers_of() { # N HOSTS...
    local n=$1 p
    shift
    for p in "$@"; do [ "$p" = "$n" ] || printf '%s\n' "$p"; done
}

# True when, on every host N listed, there is exactly one BGP session per peer (mf_peers_of), each
# Established, and one BFD session Up per peer. Sets MF_ERR to what is missing.
mf_sessions_ok() { # N...
    local n p bgp bfd want
    MF_ERR=
    for n in "$@"; do
        bgp=$(mf_bgp_list "$n")
        bfd=$(mf_bfd_list "$n")
        want=0
        for p in $(mf_peers_of "$n" "$@"); do
            want=$((want + 1))
            grep -q "^wg$p up Established" <<<"$bgp" || MF_ERR+="h$n: BGP wg$p not Established; "
            grep -q "^wg$p Up" <<<"$bfd" || MF_ERR+="h$n: BFD wg$p not Up; "
        done
        [ "$(grep -c . <<<"$bgp")" = "$want" ] || MF_ERR+="h$n: $(grep -c . <<<"$bgp") BGP sessions, want $want; "
    done
    [ -z "$MF_ERR" ]
}

# Reachability from host N's LAN client to every other listed host's client (v4 and v6). Prints one
# "dst4 ok|--" / "dst6 ok|--" word per destination on stdout; returns 0 when all answered.
mf_reach_from() { # N DEST...
    local n=$1 d targets=() out ok=0
    shift
    for d in "$@"; do
        [ "$d" = "$n" ] && continue
        targets+=("198.18.$d.100" "fd00:18:$d::100")
    done
    [ ${#targets[@]} -gt 0 ] || return 0
    out=$(ml_exec "h$n-lan" -- fping -c 1 -t 500 -r 1 "${targets[@]}" 2>&1)
    for d in "${targets[@]}"; do
        if grep -q "^$d *: xmt/rcv/%loss = 1/1/" <<<"$out"; then printf '%s ok\n' "$d"; else printf '%s --\n' "$d"; ok=1; fi
    done
    return $ok
}

mf_matrix_ok() { # N...
    local n rc=0 out
    MF_ERR=
    for n in "$@"; do
        out=$(mf_reach_from "$n" "$@") || { rc=1; MF_ERR+="h$n-lan cannot reach: $(awk '$2 == "--" {printf "%s ", $1}' <<<"$out"); "; }
    done
    return $rc
}

# Prints the reachability matrix (rows: from client, columns: to client; "4 6" = both answered).
mf_matrix_print() { # N...
    local n d out row
    printf '  %-10s' "from\\to"
    for d in "$@"; do printf ' %-7s' "h$d-lan"; done
    printf '\n'
    for n in "$@"; do
        out=$(mf_reach_from "$n" "$@")
        row=$(printf '  %-10s' "h$n-lan")
        for d in "$@"; do
            if [ "$d" = "$n" ]; then row+=$(printf ' %-7s' "."); continue; fi
            local c4=- c6=-
            grep -q "^198.18.$d.100 ok" <<<"$out" && c4=4
            grep -q "^fd00:18:$d::100 ok" <<<"$out" && c6=6
            row+=$(printf ' %-7s' "$c4 $c6")
        done
        printf '%s\n' "$row"
    done
}

# Polls sessions and reachability until both hold, for at most SECS. Prints the elapsed ms.
mf_wait_converged() { # SECS N...
    local secs=$1 t0 end
    shift
    t0=$(mf_now_ms)
    end=$((t0 + secs * 1000))
    while :; do
        if mf_sessions_ok "$@" && mf_matrix_ok "$@"; then
            echo $(($(mf_now_ms) - t0))
            return 0
        fi
        [ "$(mf_now_ms)" -lt "$end" ] || { echo $(($(mf_now_ms) - t0)); return 1; }
        sleep 0.1
    done
}

# The route host N's mesh namespace uses towards ADDR, as "dev IFACE".
mf_route_dev() { # N ADDR
    ml_exec "h$1/$MF_LOCUS" -- ip route get "$2" 2>/dev/null | grep -o 'dev [^ ]*' | head -1 | cut -d' ' -f2
}

# Polls until host N routes ADDR through IFACE; prints the elapsed ms.
mf_wait_route() { # SECS N ADDR IFACE
    local t0 end
    t0=$(mf_now_ms)
    end=$((t0 + $1 * 1000))
    while [ "$(mf_route_dev "$2" "$3")" != "$4" ]; do
        [ "$(mf_now_ms)" -lt "$end" ] || { echo $(($(mf_now_ms) - t0)); return 1; }
        sleep 0.05
    done
    echo $(($(mf_now_ms) - t0))
}

# What WireGuard on host N sees as the endpoint of IFACE's peer (`wg show IFACE endpoints` in the
# mesh namespace): ADDRESS:PORT ([ADDRESS]:PORT for IPv6), "(none)" before it has one, nothing when
# there is no such interface. A peer that roams moves it: WireGuard sends to wherever the last
# authenticated packet came from.
mf_endpoint() { # N IFACE
    ml_exec "h$1/$MF_LOCUS" -- wg show "$2" endpoints 2>/dev/null | awk 'NR == 1 {print $2}'
}

# Polls until host N's IFACE endpoint matches GLOB (a bash pattern, e.g. '203.0.113.104:*');
# prints the elapsed ms; on timeout MF_ERR (and stderr) names the endpoint last seen.
mf_wait_endpoint() { # SECS N IFACE GLOB
    local t0 end ep
    t0=$(mf_now_ms)
    end=$((t0 + $1 * 1000))
    while :; do
        ep=$(mf_endpoint "$2" "$3")
        # shellcheck disable=SC2053
        [[ $ep == $4 ]] && break
        if [ "$(mf_now_ms)" -ge "$end" ]; then
            # Also on stderr: MF_ERR does not leave the $(...) a caller reads the time with.
            MF_ERR="h$2's $3 endpoint is '$ep' after $1 s, want $4"
            printf 'mf_wait_endpoint: %s\n' "$MF_ERR" >&2
            echo $(($(mf_now_ms) - t0))
            return 1
        fi
        sleep 0.1
    done
    echo $(($(mf_now_ms) - t0))
}

# A fingerprint of host N's running mesh: WireGuard interfaces with their peers and endpoints,
# the BIRD, WireGuard and Shorewall files, BIRD's PID and its protocols' states.
mf_snapshot() { # N
    local n=$1
    ml_exec "h$n/$MF_LOCUS" -- sh -c 'wg show all public-key; wg show all peers; wg show all endpoints; wg show all listen-port' 2>&1
    ml_exec "h$n" -- sh -c "cat /run/wgmesh/bird-$MF_LOCUS.pid; sha256sum /etc/bird/wgmesh-$MF_LOCUS.conf /etc/wireguard/$MF_LOCUS/*.conf /etc/shorewall/rules /etc/shorewall6/rules" 2>&1
    mf_bgp_list "$n" | awk '{print $1, $2}'
}

# ---------------------------------------------------------------- continuous probe

# Starts `ping -D -O` from host FROM's LAN client to ADDR every INTERVAL seconds, in the background.
mf_probe_start() { # NAME FROM ADDR INTERVAL
    local S
    S=$(ml__state)
    rm -f "$S/logs/probe-$1.log"
    ml_spawn "h$2-lan" "probe-$1" -- ping -n -D -O -i "$4" "$3" >"$S/logs/probe-$1.id" || return 1
}

# Stops the probe and sets PROBE_SENT, PROBE_LOST (requests without reply, not counting those still
# in flight at the stop) and PROBE_GAP_MS (the longest time between two replies: the loss window).
mf_probe_stop() { # NAME
    local S pid i
    S=$(ml__state)
    pid=$(cat "$S/logs/probe-$1.id")
    kill -INT "$pid" 2>/dev/null
    for i in $(seq 1 100); do ml__alive "$pid" || break; sleep 0.02; done
    read -r PROBE_SENT PROBE_LOST PROBE_GAP_MS < <(awk '
        /icmp_seq=/ {
            match($0, /icmp_seq=[0-9]+/); seq = substr($0, RSTART + 9, RLENGTH - 9) + 0
            if (seq > maxseq) maxseq = seq
            if ($0 ~ / bytes from /) {
                ts = substr($1, 2, length($1) - 2) + 0
                got[seq] = 1; if (seq > lastok) lastok = seq
                if (prev != "" && ts - prev > gap) gap = ts - prev
                prev = ts
            }
        }
        END {
            lost = 0
            for (s = 1; s <= lastok; s++) if (!(s in got)) lost++
            printf "%d %d %d\n", lastok, lost, gap * 1000
        }' "$S/logs/probe-$1.log")
}

# ---------------------------------------------------------------- writing records behind wgpub's back

# Prints the TXT RRset of NAME (one RR per line, presentation form: quoted strings).
mf_txt_get() { # NAME
    ml_exec site -- kdig "@$MF_DNS" +tcp +short +timeout=2 +retry=1 TXT "$1"
}

# Replaces the TXT RRset of NAME with the lines of FILE (as mf_txt_get printed them), by a
# TSIG-signed RFC 2136 update (nsupdate) from the site netns.
mf_txt_put() { # NAME FILE
    local S line
    S=$(ml__state)
    {
        printf 'server %s 53\nzone %s\nupdate delete %s TXT\n' "$MF_DNS" "$MF_ZONE" "$1"
        while IFS= read -r line; do
            [ -n "$line" ] && printf 'update add %s 300 TXT %s\n' "$1" "$line"
        done <"$2"
        printf 'send\n'
    } | ml_exec site -- nsupdate -v -k "$S/knot/tsig.nsupdate"
}

# Flips one base64 character in the middle of the first TXT string of NAME that is long enough.
mf_tamper() { # NAME
    local f out line done=0 i c
    f=$(mktemp)
    out=$(mktemp)
    mf_txt_get "$1" >"$f" || { rm -f "$f" "$out"; return 1; }
    while IFS= read -r line; do
        if [ $done = 0 ] && [ ${#line} -gt 80 ]; then
            i=$(( ${#line} / 2 ))
            c=${line:$i:1}
            [ "$c" = A ] && c=B || c=A
            line="${line:0:$i}$c${line:$((i + 1))}"
            done=1
        fi
        printf '%s\n' "$line"
    done <"$f" >"$out"
    [ $done = 1 ] && mf_txt_put "$1" "$out"
    local rc=$?
    rm -f "$f" "$out"
    [ $done = 1 ] && return $rc
    MF_ERR="no TXT string to tamper with at $1"
    return 1
}
