#!/usr/bin/env bash
# The comparative load benchmark: Weir beside nginx, HAProxy and a direct connection to the same
# backend, in one run on this machine. For each protocol it reports the medians of REPEAT
# interleaved runs (req/s, p50/p99/p99.9, CPU-µs per request, backend connections per 1,000
# requests) and their ratios to direct, nginx and HAProxy, then checks issue 7's targets:
#   h1          HTTP/1.1 keep-alive, cleartext, 1 KiB       (wrk --latency)
#   h1-64k      the same with 64 KiB responses              (wrk --latency)
#   h1-fixed    h1 at a fixed offered rate, half of nginx's h1 median (or --rate): latency and
#               CPU-µs/req when no target is saturated      (h2load --h1 --rps; p50/p99/p99.9 from its log)
#   h2c         HTTP/2 cleartext with prior knowledge       (h2load; percentiles from its --log-file)
#   grpc        gRPC unary over h2c: POST of a framed message, answer with trailers (h2load -d);
#               every proxy forwards it over HTTP/2
#   h1-tls      HTTPS keep-alive, HTTP/1.1                  (wrk)
#   h2-tls      HTTP/2 over TLS, ALPN h2                    (h2load)
#   tls-new     HTTPS with a new connection per request     (bench/lib/tls-handshakes.py: never offers a
#               session): every request is a full TLS 1.3 handshake (X25519, ECDSA P-256), so req/s
#               is handshakes/s. Not wrk: it keeps the session across reconnects, so it resumes.
#   tls-new-rsa the same with an RSA-2048 certificate (served for SNI "localhost")
#   tls-resume  a new connection per request that resumes a saved TLS 1.3 session (openssl s_time -reuse)
# Every TLS server offers TLS 1.2 and 1.3; the checks before measuring require TLS 1.3 (the
# client's default) on every TLS row, and the report gives the version each target negotiated.
# No proxy writes access logs (nginx access_log off, HAProxy has no log target, Weir --access-log
# off). The backend is nginx answering from memory or the page cache
# (bench/conf/backend-nginx.conf); every proxy forwards to it over HTTP/1.1 keep-alive (gRPC:
# HTTP/2). Each proxy runs with one worker/thread, pinned to CPU 0; the load generator and the
# backend are pinned to CPU 1.
#
#   bench/compare.sh [--no-build] [--duration S] [--warmup S] [--jit-warmup S] [--repeat N]
#                    [--protocols h1,h1-64k,h1-fixed,h2c,grpc,h1-tls,h2-tls,tls-new,tls-new-rsa,tls-resume]
#                    [--targets direct,weir,nginx,haproxy] [--rate N] [--out FILE] [--keep]
#     --no-build   use the jars in */target/ as they are (default: `./weir build` first)
#     --duration   seconds per measurement (default 8); warm-up is --warmup S (default 3) per target
#                  and protocol; before that, Weir gets up to --jit-warmup S (default 40) per protocol
#                  for its JIT, in 5 s steps until a step compiles fewer than 20 methods (jstat -compiler)
#     --out        the Markdown report (default bench/results/latest.md)
#     --repeat     runs per target and protocol (default 3); the report gives their median
#     --protocols, --targets   measure only these (ratios to a target not measured show "-");
#                  default: every protocol above
#     --rate       h1-fixed's offered req/s (default: half of nginx's h1 median in this run, so
#                  h1-fixed then needs h1 and nginx)
#     --keep       keep the temp folder (configs, logs, load generator output) after a good run
# Needs wrk, h2load and nghttp (nghttp2-client), nginx, haproxy, openssl, curl and taskset; as
# root with apt-get, missing ones are installed; python3 for tls-new*. Takes 20 to 25 minutes with the defaults.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
conf="$root/bench/conf"

duration=8 warmup=3 jit_warmup=40 repeat=3 build=auto keep=false rate=""
all_protocols="h1 h1-64k h1-fixed h2c grpc h1-tls h2-tls tls-new tls-new-rsa tls-resume"
protocols="${all_protocols// /,}"
targets="direct,weir,nginx,haproxy"
out="$root/bench/results/latest.md"
conns=50        # wrk connections (HTTP/1.1: one request in flight each)
h2_conns=10     # h2load connections ...
h2_streams=10   # ... with this many concurrent streams each: 100 requests in flight, as many as wrk's 50 x 2
tls_clients=8    # tls-new* and tls-resume: client processes in parallel (each one connection at a time)
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=never ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --jit-warmup) jit_warmup="$2"; shift ;;
    --repeat) repeat="$2"; shift ;;
    --protocols) protocols="$2"; shift ;;
    --targets) targets="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --out) out="$2"; shift ;;
    --keep) keep=true ;;
    -h|--help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

for p in ${protocols//,/ }; do
  [[ " $all_protocols " == *" $p "* ]] || { echo "compare.sh: unknown protocol '$p' (${all_protocols// /, })" >&2; exit 2; }
done
# Measured in the order of all_protocols, whatever the order asked: h1 before h1-fixed.
selected=()
for p in $all_protocols; do [[ ",$protocols," != *",$p,"* ]] || selected+=("$p"); done
read -r -a targets <<<"${targets//,/ }"
for t in "${targets[@]}"; do
  case "$t" in direct|weir|nginx|haproxy) ;; *) echo "compare.sh: unknown target '$t' (direct, weir, nginx, haproxy)" >&2; exit 2 ;; esac
done
if [[ " ${selected[*]} " == *" h1-fixed "* ]] && [ -z "$rate" ] \
    && { [[ " ${selected[*]} " != *" h1 "* ]] || [[ " ${targets[*]} " != *" nginx "* ]]; }; then
  echo "compare.sh: h1-fixed needs --rate N, or h1 and nginx in the same run (its rate is half of nginx's h1 req/s)" >&2; exit 2
fi
[[ -z "$rate" || "$rate" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --rate wants a whole number of requests per second" >&2; exit 2; }

# Ports: all on 127.0.0.1, fixed so the configs stay readable, and below Linux's ephemeral range
# (32768-60999), where any client socket or port-0 listener on the machine could take them.
BACKEND_H1=21080 BACKEND_H2C=21081 BACKEND_TLS=21443
WEIR_HTTP=22080 WEIR_TLS=22443 WEIR_GRPC=22000 WEIR_ADMIN=22001 WEIR_PROBE=22081 WEIR_DP_ADMIN=22082
NGINX_H1=23080 NGINX_H2C=23081 NGINX_TLS=23443
HAPROXY_H1=24080 HAPROXY_H2C=24081 HAPROXY_TLS=24443

die() { echo "compare.sh: $*" >&2; exit 1; }
# shellcheck source=bench/lib/loadgen.sh
. "$root/bench/lib/loadgen.sh"
# shellcheck source=bench/lib/report.sh
. "$root/bench/lib/report.sh"

# ---- tools -------------------------------------------------------------------------------------
need_tools() {
  local missing=() pkgs=() t
  for t in wrk:wrk h2load:nghttp2-client nghttp:nghttp2-client nginx:nginx haproxy:haproxy openssl:openssl curl:curl \
      taskset:util-linux python3:python3; do
    command -v "${t%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${t%%:*}" ] || { missing+=("${t%%:*}"); pkgs+=("${t#*:}"); }
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${pkgs[*]} (missing: ${missing[*]})"
    # The packages' init scripts would start system nginx/HAProxy on :80; policy-rc.d forbids that.
    local policy=/usr/sbin/policy-rc.d created=false
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=true; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >/dev/null || { $created && rm -f "$policy"; die "apt-get install ${pkgs[*]} failed"; }
    $created && rm -f "$policy"
  else
    die "missing ${missing[*]}; install them (Debian/Ubuntu: apt-get install ${pkgs[*]}) and run again"
  fi
}
need_tools
PATH="$PATH:/usr/sbin"
[ "$(nproc)" -ge 2 ] || die "needs at least 2 CPUs (the proxy on CPU 0, the load generator and backend on CPU 1)"

for port in $BACKEND_H1 $BACKEND_H2C $BACKEND_TLS $WEIR_HTTP $WEIR_TLS $WEIR_GRPC $WEIR_ADMIN $WEIR_PROBE \
    $WEIR_DP_ADMIN $NGINX_H1 $NGINX_H2C $NGINX_TLS $HAPROXY_H1 $HAPROXY_H2C $HAPROXY_TLS; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is already in use (an earlier run still going? see: ss -ltnp 'sport = :$port')"
  fi
done

# ---- build -------------------------------------------------------------------------------------
JAVA_HOME="$("$root/weir" java-home)"
read -r -a jvm_flags <<<"$("$root/weir" jvm-flags controller)"
# WEIR_BENCH_JVM_FLAGS (optional) is appended to the data plane's flags (not the controller's), to
# try other heap or GC settings.
read -r -a dataplane_flags <<<"$("$root/weir" jvm-flags dataplane) ${WEIR_BENCH_JVM_FLAGS:-}"
controller_jar="$root/controller/target/weir-controller.jar"
dataplane_jar="$root/dataplane/target/weir-dataplane.jar"
if [ "$build" = never ]; then
  if [ ! -f "$controller_jar" ] || [ ! -f "$dataplane_jar" ]; then die "--no-build, but the jars are missing; run ./weir build"; fi
else
  echo "== ./weir build"
  "$root/weir" build
fi

# ---- processes and cleanup ---------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/weir-bench.XXXXXX")"
mkdir -p "$work/logs" "$work/tmp" "$work/weir"
pids=() names=() loadgen=""
cleanup() {
  local status=$? i
  trap - EXIT INT TERM
  if [ -n "$loadgen" ]; then kill -TERM "$loadgen" 2>/dev/null || true; fi
  for i in "${!pids[@]}"; do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=false
    for i in "${!pids[@]}"; do kill -0 "${pids[$i]}" 2>/dev/null && alive=true; done
    $alive || break
    sleep 0.1
  done
  for i in "${!pids[@]}"; do
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "compare.sh: ${names[$i]} (pid ${pids[$i]}) ignored SIGTERM; killing it" >&2
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  if [ "$status" -eq 0 ] && ! $keep; then rm -rf "$work"; else echo "compare.sh: configs and logs kept in $work" >&2; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start() { # name, cpu, then the command: runs it in the background, pinned, logging to logs/NAME.log
  local name="$1" cpu="$2"; shift 2
  taskset -c "$cpu" "$@" >"$work/logs/$name.log" 2>&1 &
  pids+=($!); names+=("$name")
}

check_alive() {
  local i
  for i in "${!pids[@]}"; do
    kill -0 "${pids[$i]}" 2>/dev/null || { tail -n 30 "$work/logs/${names[$i]}"*.log >&2; die "${names[$i]} exited (log above)"; }
  done
}

wait_for() { # description, then a command that succeeds once the thing is up
  local what="$1"; shift
  for _ in $(seq 1 600); do "$@" >/dev/null 2>&1 && return 0; check_alive; sleep 0.1; done
  die "$what did not come up within 60 s; logs in $work/logs"
}

render() { # template, output: replaces every @NAME@ with the shell variable NAME
  local line args=() v
  for v in WORK BODY BACKEND_H1 BACKEND_H2C BACKEND_TLS NGINX_H1 NGINX_H2C NGINX_TLS HAPROXY_H1 HAPROXY_H2C \
      HAPROXY_TLS CRT_BASE64 KEY_BASE64 RSA_CRT_BASE64 RSA_KEY_BASE64; do
    args+=(-e "s|@$v@|${!v}|g")
  done
  sed "${args[@]}" "$1" >"$2"
  line="$(grep -n '@[A-Z_0-9]*@' "$2" | grep -v '^[0-9]*:[[:space:]]*#' | head -n 1 || true)"
  [ -z "$line" ] || die "unreplaced placeholder in $2: $line"
}

# ---- configs -----------------------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.local \
  -addext subjectAltName=DNS:bench.local -keyout "$work/bench.key" -out "$work/bench.crt" 2>"$work/logs/openssl.log" \
  || die "openssl could not make a certificate: $(cat "$work/logs/openssl.log")"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$work/rsa.key" -out "$work/rsa.crt" 2>"$work/logs/openssl.log" \
  || die "openssl could not make an RSA certificate: $(cat "$work/logs/openssl.log")"
cat "$work/bench.crt" "$work/bench.key" >"$work/bench.pem"
cat "$work/rsa.crt" "$work/rsa.key" >"$work/rsa.pem"
# The files the backend serves: its worker (as nobody, when started as root) must reach them.
chmod 711 "$work"
mkdir -m 755 "$work/www"
head -c 65536 /dev/zero | tr '\0' 'x' >"$work/www/body-64k"
# A gRPC message: flag 0 (not compressed), 4-byte big-endian length 12, then protobuf field 1 (a
# 10-byte string). The backend answers with the same 17 bytes.
printf '\0\0\0\0\014\012\012xxxxxxxxxx' >"$work/grpc-request.bin"
cp "$work/grpc-request.bin" "$work/www/grpc-response.bin"
chmod 644 "$work/www/"*
# shellcheck disable=SC2034 # read by render(), as ${!v}
{
  WORK="$work"
  BODY="$(head -c 1024 /dev/zero | tr '\0' 'x')"
  CRT_BASE64="$(base64 -w0 "$work/bench.crt")"
  KEY_BASE64="$(base64 -w0 "$work/bench.key")"
  RSA_CRT_BASE64="$(base64 -w0 "$work/rsa.crt")"
  RSA_KEY_BASE64="$(base64 -w0 "$work/rsa.key")"
}
render "$conf/backend-nginx.conf" "$work/backend-nginx.conf"
render "$conf/nginx.conf" "$work/nginx.conf"
render "$conf/nginx-locations.conf" "$work/nginx-locations.conf"
render "$conf/haproxy.cfg" "$work/haproxy.cfg"
render "$conf/weir.yaml" "$work/weir/bench.yaml"
nginx -t -q -c "$work/backend-nginx.conf" -e "$work/logs/backend-error.log" 2>"$work/logs/nginx-t.log" \
  || die "backend nginx config rejected: $(cat "$work/logs/nginx-t.log")"
nginx -t -q -c "$work/nginx.conf" -e "$work/logs/nginx-error.log" 2>"$work/logs/nginx-t.log" \
  || die "nginx config rejected: $(cat "$work/logs/nginx-t.log")"
haproxy -c -q -f "$work/haproxy.cfg" >"$work/logs/haproxy-c.log" 2>&1 \
  || die "haproxy config rejected: $(cat "$work/logs/haproxy-c.log")"

# ---- start everything --------------------------------------------------------------------------
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_ticks() { # total, busy (user, nice, system: irq and softirq time, mostly loopback traffic, is left out), steal
  awk '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $2 + $3 + $4, $9}' /proc/stat
}
load_start="$(loadavg)"; read -r ticks0 busy0 steal0 <<<"$(cpu_ticks)"; started_at="$(date +%s)"
echo "== starting the backend, Weir, nginx and HAProxy (logs in $work/logs); load average $load_start"

start backend 1 nginx -c "$work/backend-nginx.conf" -e "$work/logs/backend-error.log"
start weir-controller 1 "$JAVA_HOME/bin/java" "${jvm_flags[@]}" -jar "$controller_jar" --manifests "$work/weir" \
  --grpc-address 127.0.0.1 --grpc-port "$WEIR_GRPC" --admin-port "$WEIR_ADMIN" \
  --http-port "$WEIR_HTTP" --https-port "$WEIR_TLS"
start weir-dataplane 0 "$JAVA_HOME/bin/java" "${dataplane_flags[@]}" -jar "$dataplane_jar" \
  --controller "127.0.0.1:$WEIR_GRPC" --node-id bench --bind-address 127.0.0.1 --probe-address 127.0.0.1 \
  --probe-port "$WEIR_PROBE" --admin-port "$WEIR_DP_ADMIN" --io-threads 1 --access-log off
start nginx 0 nginx -c "$work/nginx.conf" -e "$work/logs/nginx-error.log"
start haproxy 0 haproxy -db -f "$work/haproxy.cfg"

wait_for "the backend" curl -fsS "http://127.0.0.1:$BACKEND_H1/"
wait_for "Weir's data plane" curl -fsS "http://127.0.0.1:$WEIR_PROBE/ready"
wait_for "nginx" curl -fsS "http://127.0.0.1:$NGINX_H1/"
wait_for "HAProxy" curl -fsS "http://127.0.0.1:$HAPROXY_H1/"

# The process whose CPU time and memory a target costs: the proxy, or for "direct" the backend.
declare -A pid_of
for i in "${!pids[@]}"; do pid_of[${names[$i]}]="${pids[$i]}"; done
pid_of[direct]="${pid_of[backend]}" pid_of[weir]="${pid_of[weir-dataplane]}"
rss_mib() { # field (VmRSS, VmHWM), pid: that figure for it and its children (nginx's worker), MiB
  local p k=0
  for p in "$2" $(pgrep -P "$2" || true); do
    k=$((k + $(awk -v f="$1:" '$1 == f {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  echo $((k / 1024))
}
declare -A idle_rss rss
# The data plane is ready once it has its config; idle means settled: start-up compiles and
# allocates for a few seconds more, and the JVM returns freed native memory every 5 s.
sleep 10
for t in direct weir nginx haproxy; do idle_rss[$t]="$(rss_mib VmRSS "${pid_of[$t]}")"; done

# target -> URL per protocol. HTTP/2 cleartext and TLS "direct" use the backend's own h2c and TLS
# listeners: the ceiling of what the client and backend can do on this machine without a proxy.
# tls-new* and tls-resume get HOST:PORT (their clients take no URL); tls-new-rsa sends SNI "localhost".
url() { # target, protocol
  local h1 h2c tls
  case "$1" in
    direct) h1=$BACKEND_H1 h2c=$BACKEND_H2C tls=$BACKEND_TLS ;;
    weir) h1=$WEIR_HTTP h2c=$WEIR_HTTP tls=$WEIR_TLS ;;
    nginx) h1=$NGINX_H1 h2c=$NGINX_H2C tls=$NGINX_TLS ;;
    haproxy) h1=$HAPROXY_H1 h2c=$HAPROXY_H2C tls=$HAPROXY_TLS ;;
  esac
  case "$2" in
    h1|h1-fixed) echo "http://127.0.0.1:$h1/bench" ;;
    h1-64k) echo "http://127.0.0.1:$h1/bench-64k" ;;
    h2c) echo "http://127.0.0.1:$h2c/bench" ;;
    grpc) echo "http://127.0.0.1:$h2c/bench.Bench/Unary" ;;
    h1-tls|h2-tls) echo "https://127.0.0.1:$tls/bench" ;;
    tls-new|tls-new-rsa|tls-resume) echo "127.0.0.1:$tls" ;;
  esac
}

# TLS: every target must negotiate TLS 1.3 when the client offers 1.2 and 1.3 (openssl's default),
# and accept TLS 1.2 when that is all the client offers. Records what it negotiated, for the report.
declare -A tls_version
check_tls_versions() { # target, protocol
  local hp sni=() got key
  hp="$(url "$1" "$2")"; hp="${hp#https://}"; hp="${hp%%/*}"
  [ "$2" != tls-new-rsa ] || sni=(-servername localhost)
  got="$(openssl s_client -connect "$hp" "${sni[@]}" </dev/null 2>&1 || true)"
  key="$(sed -n 's/^Server Temp Key: \([^,]*\).*/\1/p' <<<"$got")"
  got="$(awk '/^New, / {sub(/,$/, "", $2); print $2; exit}' <<<"$got")"
  [ "$got" = TLSv1.3 ] || die "$1 over $2 negotiated '${got:-no TLS}', expected TLSv1.3 (openssl s_client -connect $hp ${sni[*]})"
  openssl s_client -connect "$hp" "${sni[@]}" -tls1_2 </dev/null 2>&1 | grep -q '^New, TLSv1.2,' \
    || die "$1 over $2 does not accept TLS 1.2 (openssl s_client -tls1_2 -connect $hp ${sni[*]})"
  tls_version[$1,$2]="$got"
  echo "   $1 over $2: $got, key exchange ${key:-?} (TLS 1.2 accepted too)"
}

# tls-new*: the client must never resume. Its own count (Python's session_reused) must be 0, and
# for nginx, which logs \$ssl_session_reused for /tls-info, the server must agree on every connection.
check_no_resumption() { # target, protocol
  local got sni=() path=/bench n r e v log="$work/logs/nginx-tls-info.log"
  [ "$2" != tls-new-rsa ] || sni=(--sni localhost)
  [ "$1" != nginx ] || { path=/tls-info; : >"$log"; }
  got="$(taskset -c 1 python3 "$root/bench/lib/tls-handshakes.py" --connect "$(url "$1" "$2")" "${sni[@]}" \
    --path "$path" --clients 2 --seconds 1)" || die "$1 over $2: the handshake client failed: $got"
  read -r _ n _ r _ e _ _ _ _ _ _ _ _ _ _ _ v <<<"$got"
  if [ "$n" -eq 0 ] || [ "$r" != 0 ] || [ "$e" != 0 ] || [ "$v" != "TLSv1.3=$n" ]; then
    die "$1 over $2: expected only new TLS 1.3 sessions and no errors, got: $got"
  fi
  if [ "$1" = nginx ]; then
    got="$(sort "$log" | uniq -c | awk '{printf "%s%s x \"%s %s\"", (NR > 1 ? ", " : ""), $1, $2, $3}')"
    [ "$got" = "$n x \"TLSv1.3 .\"" ] || die "nginx over $2: its log (\$ssl_protocol \$ssl_session_reused) says $got for $n new connections"
  fi
  echo "   $1 over $2: $n connections in 1 s, none resumed (client$([ "$1" != nginx ] || echo " and nginx's \$ssl_session_reused"))"
}

# Every target must answer each protocol as expected before anything is measured: status, body
# size and HTTP version; gRPC also its trailer, tls-new-rsa an RSA-2048 key, tls-resume a resumed session.
for t in "${targets[@]}"; do
  for p in "${selected[@]}"; do
    want="200 1024 1.1"
    case "$p" in
      h1|h1-fixed) opts=(--http1.1) ;; h1-64k) opts=(--http1.1) want="200 65536 1.1" ;;
      h2c) opts=(--http2-prior-knowledge) want="200 1024 2" ;;
      grpc) opts=(--http2-prior-knowledge) want="200 1024 2" ;; # and below, the call itself (nghttp)
      h1-tls|tls-new|tls-new-rsa) opts=(-k --http1.1) ;; h2-tls) opts=(-k --http2) want="200 1024 2" ;;
      tls-resume) opts=(-k --http1.1) ;;
    esac
    u="$(url "$t" "$p")"
    case "$p" in
      tls-new|tls-resume) u="https://$u/bench" ;; tls-new-rsa) u="https://localhost:${u#*:}/bench" ;;
      grpc) u="${u%/bench.Bench/Unary}/bench" ;;
    esac
    got="$(curl -sS "${opts[@]}" -o /dev/null -w '%{http_code} %{size_download} %{http_version}' "$u" 2>&1 || true)"
    [ "$got" = "$want" ] || die "$t over $p answered '$got', expected '$want' (status, bytes, HTTP version)"
    case "$p" in
      grpc) # curl 7.88 reports a stream error on HTTP/2 trailers at times; nghttp does not
        got="$(nghttp -nv -d "$work/grpc-request.bin" -H 'content-type: application/grpc' -H 'te: trailers' "$(url "$t" "$p")" 2>&1 \
          | awk '/recv \(stream_id=13\) :status:/ {s = $NF} /recv DATA frame/ {sub(/.*length=/, ""); n += $0 + 0}
              /recv \(stream_id=13\) grpc-status:/ {g = $NF} END {print s, n, g}')"
        [ "$got" = "200 17 0" ] || die "$t over grpc answered '$got', expected '200 17 0' (status, bytes, trailer grpc-status)" ;;
    esac
    case "$p" in *tls*) check_tls_versions "$t" "$p" ;; esac
    case "$p" in
      tls-new-rsa)
        openssl s_client -connect "$(url "$t" "$p")" -servername localhost </dev/null 2>&1 \
          | grep -q 'Server public key is 2048 bit' || die "$t over tls-new-rsa: no RSA-2048 certificate for SNI localhost" ;;
    esac
    case "$p" in
      tls-new|tls-new-rsa) check_no_resumption "$t" "$p" ;;
      tls-resume)
        rm -f "$work/session.pem"
        openssl s_client -connect "$(url "$t" "$p")" -sess_out "$work/session.pem" </dev/null >/dev/null 2>&1 <<<"" || true
        # TLS 1.3 sends the ticket after the handshake: read a response so that it arrives.
        printf 'GET /bench HTTP/1.0\r\n\r\n' | openssl s_client -connect "$(url "$t" "$p")" -sess_out "$work/session.pem" -quiet \
          >/dev/null 2>&1 || true
        printf 'GET /bench HTTP/1.0\r\n\r\n' | openssl s_client -connect "$(url "$t" "$p")" -sess_in "$work/session.pem" 2>&1 \
          | grep -q '^Reused, TLSv1.3,' || die "$t over tls-resume: a saved TLS 1.3 session was not resumed (openssl s_client -sess_in)" ;;
    esac
  done
done

# ---- measuring ---------------------------------------------------------------------------------
clk_tck="$(getconf CLK_TCK)"
cpu_time() { # pid: user + system clock ticks of it and its children (nginx's worker), all threads
  local p t=0
  for p in "$1" $(pgrep -P "$1" || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
backend_accepts() { curl -fsS "http://127.0.0.1:$BACKEND_H1/nginx-status" | awk 'NR == 3 {print $1}'; }
# measure target, protocol, seconds, label: sets result="REQ_PER_S P50_MS P99_MS P99_9_MS ERRORS
# CPU_US_PER_REQUEST BACKEND_CONNS_PER_1000 CLIENT_CPU_PCT BACKEND_CPU_PCT": the last two are the
# load generator's and the backend's CPU time in % of one CPU (both run on CPU 1: near 100 together,
# CPU 1 was the limit rather than the target).
measure() {
  local before accepts kept="$work/logs/load-$2-$1-$4.txt" u backend0 start_ns
  u="$(url "$1" "$2")"
  accepts="$(backend_accepts)"
  before="$(cpu_time "${pid_of[$1]}")" backend0="$(cpu_time "${pid_of[backend]}")" start_ns="$(date +%s%N)"
  case "$2" in
    h1|h1-64k|h1-tls) run_wrk "$u" "$3" "$kept" ;;
    tls-new) run_new_tls "$u" "$3" "$kept" ;;
    tls-new-rsa) run_new_tls "$u" "$3" "$kept" localhost ;;
    h2c|h2-tls) run_h2load "$u" "$3" "$kept" ;;
    grpc) run_grpc "$u" "$3" "$kept" ;;
    h1-fixed) run_paced "$u" "$3" "$kept" "$fixed_rate" ;;
    tls-resume) run_resume "$u" "$3" "$kept" ;;
  esac
  # The backend counts its status request itself among the accepted connections: one less.
  result="$(awk -v r="$stats" -v t="$(($(cpu_time "${pid_of[$1]}") - before))" -v hz="$clk_tck" \
    -v a="$(($(backend_accepts) - accepts - 1))" -v lg="$loadgen_cpu_s" -v b="$(($(cpu_time "${pid_of[backend]}") - backend0))" \
    -v ns="$(($(date +%s%N) - start_ns))" 'BEGIN {
    split(r, f, " "); n = f[6]; printf "%s %s %s %s %s %.1f %.2f %.0f %.0f\n", f[1], f[2], f[3], f[4], f[5],
      (n > 0) ? t * 1e6 / hz / n : -1, (n > 0) ? a * 1000 / n : -1, 100 * lg * 1e9 / ns, 100 * b / hz * 1e9 / ns }')"
}

# Weir's JIT: before a protocol's warm-up, Weir runs it in steps of up to 5 s until a step compiles
# fewer than 20 methods (jstat -compiler: the JVM's count of compilations) or --jit-warmup seconds
# have passed. Sets jit_s[PROTOCOL] to the seconds it took.
declare -A jit_s
warm_weir_jit() { # protocol
  local spent=0 step compiled last=-1
  while [ "$spent" -lt "$jit_warmup" ]; do
    step=$((jit_warmup - spent < 5 ? jit_warmup - spent : 5))
    measure weir "$1" "$step" jit
    spent=$((spent + step))
    compiled="$("$JAVA_HOME/bin/jstat" -compiler "${pid_of[weir]}" 2>/dev/null | awk 'NR == 2 {print $1}')" || compiled=""
    [ -n "$compiled" ] || continue # no jstat figures: the whole --jit-warmup
    [ "$last" -lt 0 ] || [ $((compiled - last)) -ge 20 ] || break
    last="$compiled"
  done
  jit_s[$1]="$spent"
}

fixed_rate="$rate" fixed_rate_source="--rate"
declare -A rps p50 p99 p999 errs runs cpu upconns lgcpu becpu
for p in "${selected[@]}"; do
  if [ "$p" = h1-fixed ] && [ -z "$rate" ]; then
    fixed_rate="$(awk -v m="$(median "${rps[nginx,h1]}")" -v c="$conns" 'BEGIN {printf "%d", int(m / 2 / c) * c}')"
    fixed_rate_source="half of nginx's h1 median"
  fi
  [ "$p" != h1-fixed ] || [ "$fixed_rate" -ge "$conns" ] || die "h1-fixed: offered rate $fixed_rate is below one request/s per connection"
  if [[ " ${targets[*]} " == *" weir "* ]] && [ "$jit_warmup" -gt 0 ]; then
    warm_weir_jit "$p"
    echo "== $p: Weir's JIT warm-up took ${jit_s[$p]} s (of at most $jit_warmup)"
  fi
  echo "== $p: ${warmup} s warm-up per target, then $repeat interleaved ${duration} s runs per target$([ "$p" != h1-fixed ] || echo ", at $fixed_rate req/s")"
  for t in "${targets[@]}"; do measure "$t" "$p" "$warmup" warmup; done
  for t in direct weir nginx haproxy; do
    rps[$t,$p]="" p50[$t,$p]="" p99[$t,$p]="" p999[$t,$p]="" errs[$t,$p]=0 runs[$t,$p]="" cpu[$t,$p]="" upconns[$t,$p]=""
    lgcpu[$t,$p]="" becpu[$t,$p]=""
  done
  for r in $(seq 1 "$repeat"); do
    # Rotate the order each round, so that no target always runs right after the same neighbour.
    for i in $(seq 0 $((${#targets[@]} - 1))); do
      t="${targets[$(((i + r - 1) % ${#targets[@]}))]}"
      measure "$t" "$p" "$duration" "run$r"
      read -r q l50 l l999 e c a lg be <<<"$result"
      check_alive
      if [ -z "$q" ] || [ -z "$e" ]; then die "$t over $p: no result (the load generator failed)"; fi
      # No completed request at all is a failure too (see logs/load-*.txt with --keep).
      if awk -v q="$q" 'BEGIN {exit !(q < 1)}'; then e=$((e + 1)); fi
      rps[$t,$p]+="$q " p50[$t,$p]+="$l50 " p99[$t,$p]+="$l " p999[$t,$p]+="$l999 " errs[$t,$p]=$((errs[$t,$p] + e))
      runs[$t,$p]+="$(printf '%.0f' "$q") " cpu[$t,$p]+="$c " upconns[$t,$p]+="$a " lgcpu[$t,$p]+="$lg " becpu[$t,$p]+="$be "
      printf '   round %d  %-8s %10.0f req/s  p99 %7s ms  %6.1f CPU-µs/req  %6.2f backend conns/1k  CPU 1: client %s%%, backend %s%%%s\n' \
        "$r" "$t" "$q" "$l" "$c" "$a" "$lg" "$be" "$([ "$e" -eq 0 ] || echo "  ($e errors)")"
    done
  done
done

for t in direct weir nginx haproxy; do rss[$t]="$(rss_mib VmHWM "${pid_of[$t]}")"; done
# How much of the machine's CPU went to other processes during the run: everything busy, minus
# what this run's processes used (the servers, from /proc; wrk, h2load and the rest, reaped, from `times`).
ours=0
for pid in "${pids[@]}"; do ours=$((ours + $(cpu_time "$pid"))); done
ours_children_s="$(times | sed -n 2p | awk '{for (i = 1; i <= 2; i++) {split($i, t, /[ms]/); s += t[1] * 60 + t[2]}} END {print s}')"
load_end="$(loadavg)"; read -r ticks1 busy1 steal1 <<<"$(cpu_ticks)"
read -r steal_pct others_pct <<<"$(awk -v a="$ticks0" -v b="$ticks1" -v s="$steal0" -v t="$steal1" -v u="$busy0" -v v="$busy1" \
  -v ours="$ours" -v kids="$ours_children_s" -v hz="$clk_tck" 'BEGIN {
    d = (b > a) ? b - a : 1; o = 100 * (v - u - ours - kids * hz) / d; if (o < 0) o = 0
    printf "%.1f %.1f\n", 100 * (t - s) / d, o }')"
elapsed=$(($(date +%s) - started_at))

# ---- report ------------------------------------------------------------------------------------
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -z "$(git -C "$root" status --porcelain -- . ':!bench/results' ':!*.md' 2>/dev/null)" ] || commit="$commit (with uncommitted changes)"
mkdir -p "$(dirname "$out")"
write_report "$out"
echo
echo "== results (also in ${out#"$root"/})"
print_report "$out"
