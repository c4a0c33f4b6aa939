#!/usr/bin/env bash
# The comparative load benchmark: Weir beside nginx, HAProxy and a direct connection to the same
# backend, in one run on this machine. For each protocol it reports the median req/s and p99 of
# REPEAT interleaved runs, and their ratios to direct and to nginx:
#   h1      HTTP/1.1 keep-alive, cleartext               (wrk --latency)
#   h2c     HTTP/2 cleartext with prior knowledge        (h2load; p99 from its --log-file)
#   h1-tls  HTTPS keep-alive, HTTP/1.1                   (wrk)
#   h2-tls  HTTP/2 over TLS, ALPN h2                     (h2load)
#   tls-new HTTPS with a new connection per request      (wrk, Connection: close): every request is a
#           full TLS 1.3 handshake (ECDSA P-256, no resumption), so req/s is handshakes/s
# No proxy writes access logs (nginx access_log off, HAProxy has no log target, Weir --access-log
# off). Every response is 1 KiB. The backend is nginx answering from memory
# (bench/conf/backend-nginx.conf); every proxy forwards to it over HTTP/1.1 keep-alive. Each proxy runs with one worker/thread,
# pinned to CPU 0; the load generator and the backend are pinned to CPU 1.
#
#   bench/compare.sh [--no-build] [--duration S] [--warmup S] [--jit-warmup S] [--repeat N]
#                    [--protocols h1,h2c,h1-tls,h2-tls,tls-new] [--targets direct,weir,nginx,haproxy]
#                    [--out FILE] [--keep]
#     --no-build   use the jars in */target/ as they are (default: `./weir build` first)
#     --duration   seconds per measurement (default 8); warm-up is --warmup S (default 3) per target
#                  and protocol, plus --jit-warmup S (default 20) for Weir at start
#     --out        the Markdown report (default bench/results/latest.md)
#     --repeat     runs per target and protocol (default 3); the report gives their median
#     --protocols, --targets   measure only these (ratios to a target not measured show "-")
#     --keep       keep the temp folder (configs, logs, load generator output) after a good run
# Needs wrk, h2load (nghttp2-client), nginx, haproxy, openssl, curl and taskset; as root with
# apt-get, missing ones are installed. Takes about 10 minutes with the defaults.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
conf="$root/bench/conf"

duration=8 warmup=3 jit_warmup=20 repeat=3 build=auto keep=false
protocols="h1,h2c,h1-tls,h2-tls"
targets="direct,weir,nginx,haproxy"
out="$root/bench/results/latest.md"
conns=50        # wrk connections (HTTP/1.1: one request in flight each)
h2_conns=10     # h2load connections ...
h2_streams=10   # ... with this many concurrent streams each: 100 requests in flight, as many as wrk's 50 x 2
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=never ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --jit-warmup) jit_warmup="$2"; shift ;;
    --repeat) repeat="$2"; shift ;;
    --protocols) protocols="$2"; shift ;;
    --targets) targets="$2"; shift ;;
    --out) out="$2"; shift ;;
    --keep) keep=true ;;
    -h|--help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

for p in ${protocols//,/ }; do
  case "$p" in h1|h2c|h1-tls|h2-tls|tls-new) ;; *) echo "compare.sh: unknown protocol '$p' (h1, h2c, h1-tls, h2-tls, tls-new)" >&2; exit 2 ;; esac
done
read -r -a targets <<<"${targets//,/ }"
for t in "${targets[@]}"; do
  case "$t" in direct|weir|nginx|haproxy) ;; *) echo "compare.sh: unknown target '$t' (direct, weir, nginx, haproxy)" >&2; exit 2 ;; esac
done

# Ports: all on 127.0.0.1, fixed so the configs stay readable, and below Linux's ephemeral range
# (32768-60999), where any client socket or port-0 listener on the machine could take them.
BACKEND_H1=21080 BACKEND_H2C=21081 BACKEND_TLS=21443
WEIR_HTTP=22080 WEIR_TLS=22443 WEIR_GRPC=22000 WEIR_ADMIN=22001 WEIR_PROBE=22081 WEIR_DP_ADMIN=22082
NGINX_H1=23080 NGINX_H2C=23081 NGINX_TLS=23443
HAPROXY_H1=24080 HAPROXY_H2C=24081 HAPROXY_TLS=24443

die() { echo "compare.sh: $*" >&2; exit 1; }

# ---- tools -------------------------------------------------------------------------------------
need_tools() {
  local missing=() pkgs=() t
  for t in wrk:wrk h2load:nghttp2-client nginx:nginx haproxy:haproxy openssl:openssl curl:curl taskset:util-linux; do
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
read -r -a jvm_flags <<<"$("$root/weir" jvm-flags)"
# WEIR_BENCH_JVM_FLAGS (optional) is appended to the data plane's flags (not the controller's), to
# try other heap or GC settings.
read -r -a dataplane_flags <<<"${jvm_flags[*]} ${WEIR_BENCH_JVM_FLAGS:-}"
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
      HAPROXY_TLS CRT_BASE64 KEY_BASE64; do
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
cat "$work/bench.crt" "$work/bench.key" >"$work/bench.pem"
# shellcheck disable=SC2034 # read by render(), as ${!v}
{
  WORK="$work"
  BODY="$(head -c 1024 /dev/zero | tr '\0' 'x')"
  CRT_BASE64="$(base64 -w0 "$work/bench.crt")"
  KEY_BASE64="$(base64 -w0 "$work/bench.key")"
}
render "$conf/backend-nginx.conf" "$work/backend-nginx.conf"
render "$conf/nginx.conf" "$work/nginx.conf"
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

# target -> URL per protocol. HTTP/2 cleartext and TLS "direct" use the backend's own h2c and TLS
# listeners: the ceiling of what the client and backend can do on this machine without a proxy.
url() { # target, protocol
  local h1 h2c tls
  case "$1" in
    direct) h1=$BACKEND_H1 h2c=$BACKEND_H2C tls=$BACKEND_TLS ;;
    weir) h1=$WEIR_HTTP h2c=$WEIR_HTTP tls=$WEIR_TLS ;;
    nginx) h1=$NGINX_H1 h2c=$NGINX_H2C tls=$NGINX_TLS ;;
    haproxy) h1=$HAPROXY_H1 h2c=$HAPROXY_H2C tls=$HAPROXY_TLS ;;
  esac
  case "$2" in
    h1) echo "http://127.0.0.1:$h1/bench" ;;
    h2c) echo "http://127.0.0.1:$h2c/bench" ;;
    h1-tls|h2-tls|tls-new) echo "https://127.0.0.1:$tls/bench" ;;
  esac
}

# Every target must answer 200 with the 1 KiB body, over each protocol, before anything is measured.
for t in "${targets[@]}"; do
  for p in ${protocols//,/ }; do
    case "$p" in
      h1) opts=(--http1.1) ;; h2c) opts=(--http2-prior-knowledge) ;;
      h1-tls|tls-new) opts=(-k --http1.1) ;; h2-tls) opts=(-k --http2) ;;
      *) die "unknown protocol '$p' (h1, h2c, h1-tls, h2-tls, tls-new)" ;;
    esac
    got="$(curl -sS "${opts[@]}" -o /dev/null -w '%{http_code} %{size_download} %{http_version}' "$(url "$t" "$p")" 2>&1 || true)"
    case "$p" in h2c|h2-tls) want="200 1024 2" ;; *) want="200 1024 1.1" ;; esac
    [ "$got" = "$want" ] || die "$t over $p answered '$got', expected '$want' (status, bytes, HTTP version)"
  done
done

# ---- measuring ---------------------------------------------------------------------------------
to_ms() { # a wrk latency (850.00us, 1.23ms, 1.01s, 1.5m) -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    printf "%.3f", (u == "us") ? n / 1000 : (u == "ms") ? n : (u == "s") ? n * 1000 : (u == "m") ? n * 60000 : -1 }'
}

run_load() { # where to keep the output, then the command: runs it on CPU 1 and waits for it. In the
  # background, so that Ctrl-C runs the INT trap at once (bash lets a foreground child that survives
  # SIGINT, as wrk does, swallow it); cleanup() stops it.
  local out="$1"; shift
  taskset -c 1 "$@" >"$out" 2>&1 &
  loadgen=$!
  wait "$loadgen" || die "the load generator failed: $* (output in $out)"
  loadgen=""
}
# Each sets stats="REQ_PER_S P99_MS ERRORS REQUESTS" (errors: non-2xx responses, socket errors,
# failed streams; requests: how many completed).
run_wrk() { # url, seconds, where to keep the output, then any more wrk options
  run_load "$3" wrk -t1 -c"$conns" -d"$2s" --latency "${@:4}" "$1"
  stats="$(awk '/^Requests\/sec/ {print $2}' "$3") $(to_ms "$(awk '$1 == "99%" {print $2}' "$3")")"
  stats+=" $(awk '/Non-2xx/ {e += $NF} /Socket errors/ {gsub(/,/, ""); e += $4 + $6 + $8 + $10} END {print e + 0}' "$3")"
  stats+=" $(awk '/ requests in / {print $1}' "$3")"
}
run_h2load() { # url, seconds, where to keep the output
  local log="$work/h2load.log"
  rm -f "$log"
  run_load "$3" h2load -t1 -c"$h2_conns" -m"$h2_streams" -D"$2" --log-file="$log" "$1"
  stats="$(sed -n 's/^finished in [0-9.]*[a-z]*, \([0-9.]*\) req\/s.*/\1/p' "$3")"
  # --log-file: one line per request, tab-separated: start (µs since epoch), status, elapsed µs.
  stats+=" $(awk -F'\t' '{print $3}' "$log" | sort -n | awk '{v[NR] = $1} END {i = int(NR * 0.99); if (i < NR * 0.99) i++; printf "%.3f", NR ? v[i] / 1000 : -1}')"
  stats+=" $(awk '/^requests:/ {e += $6 - $8 + $14} END {print e + 0}' "$3")" # done - succeeded (non-2xx, errored), timeouts
  stats+=" $(awk '/^requests:/ {print $6}' "$3")"
}
# The process whose CPU time a target costs: the proxy, or for "direct" the backend.
declare -A pid_of
for i in "${!pids[@]}"; do pid_of[${names[$i]}]="${pids[$i]}"; done
pid_of[direct]="${pid_of[backend]}" pid_of[weir]="${pid_of[weir-dataplane]}"
clk_tck="$(getconf CLK_TCK)"
cpu_time() { # pid: user + system clock ticks of it and its children (nginx's worker), all threads
  local p t=0
  for p in "$1" $(pgrep -P "$1" || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
peak_rss_mib() { # pid: the peak resident set (VmHWM) of it and its children, MiB
  local p k=0
  for p in "$1" $(pgrep -P "$1" || true); do
    k=$((k + $(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  echo $((k / 1024))
}
measure() { # target, protocol, seconds, label: sets result="REQ_PER_S P99_MS ERRORS CPU_US_PER_REQUEST"
  local before kept="$work/logs/load-$2-$1-$4.txt"
  before="$(cpu_time "${pid_of[$1]}")"
  case "$2" in
    h1|h1-tls) run_wrk "$(url "$1" "$2")" "$3" "$kept" ;;
    tls-new) run_wrk "$(url "$1" "$2")" "$3" "$kept" -H "Connection: close" ;;
    h2c|h2-tls) run_h2load "$(url "$1" "$2")" "$3" "$kept" ;;
  esac
  result="$(awk -v r="$stats" -v t="$(($(cpu_time "${pid_of[$1]}") - before))" -v hz="$clk_tck" 'BEGIN {
    split(r, f, " "); printf "%s %s %s %.1f\n", f[1], f[2], f[3], (f[4] > 0) ? t * 1e6 / hz / f[4] : -1 }')"
}
median() { tr ' ' '\n' <<<"$1" | awk NF | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

read -r -a selected <<<"${protocols//,/ }"
if [[ " ${targets[*]} " == *" weir "* ]]; then
  echo "== warming Weir's JIT up: ${jit_warmup} s over ${protocols}"
  for p in "${selected[@]}"; do measure weir "$p" $(((jit_warmup + ${#selected[@]} - 1) / ${#selected[@]})) jit; done
fi

declare -A rps p99 errs runs cpu
for p in ${protocols//,/ }; do
  echo "== $p: ${warmup} s warm-up per target, then $repeat interleaved ${duration} s runs per target"
  for t in "${targets[@]}"; do measure "$t" "$p" "$warmup" warmup; done
  for t in direct weir nginx haproxy; do rps[$t,$p]="" p99[$t,$p]="" errs[$t,$p]=0 runs[$t,$p]="" cpu[$t,$p]=""; done
  for r in $(seq 1 "$repeat"); do
    # Rotate the order each round, so that no target always runs right after the same neighbour.
    for i in $(seq 0 $((${#targets[@]} - 1))); do
      t="${targets[$(((i + r - 1) % ${#targets[@]}))]}"
      measure "$t" "$p" "$duration" "run$r"
      read -r q l e c <<<"$result"
      check_alive
      if [ -z "$q" ] || [ -z "$e" ]; then die "$t over $p: no result (the load generator failed)"; fi
      # No completed request at all is a failure too (see logs/load-*.txt with --keep).
      if awk -v q="$q" 'BEGIN {exit !(q < 1)}'; then e=$((e + 1)); fi
      rps[$t,$p]+="$q " p99[$t,$p]+="$l " errs[$t,$p]=$((errs[$t,$p] + e)) runs[$t,$p]+="$(printf '%.0f' "$q") "
      cpu[$t,$p]+="$c "
      printf '   round %d  %-8s %10.0f req/s  p99 %7.2f ms  %6.1f CPU-µs/req%s\n' "$r" "$t" "$q" "$l" "$c" \
        "$([ "$e" -eq 0 ] || echo "  ($e errors)")"
    done
  done
done

declare -A rss
for t in direct weir nginx haproxy; do rss[$t]="$(peak_rss_mib "${pid_of[$t]}")"; done
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
describe() {
  case "$1" in
    h1) echo "HTTP/1.1 keep-alive, cleartext (wrk -t1 -c$conns)" ;;
    h2c) echo "HTTP/2 cleartext, prior knowledge (h2load -t1 -c$h2_conns -m$h2_streams)" ;;
    h1-tls) echo "HTTPS keep-alive, HTTP/1.1 (wrk -t1 -c$conns)" ;;
    h2-tls) echo "HTTP/2 over TLS, ALPN h2 (h2load -t1 -c$h2_conns -m$h2_streams)" ;;
    tls-new) echo "HTTPS, a new TLS connection (full handshake) per request (wrk -t1 -c$conns, Connection: close)" ;;
  esac
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else printf "-"}'; }
spread() { tr ' ' '\n' <<<"$1" | awk NF | sort -g | awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
  printf "%.0f%%", (m > 0) ? 100 * (v[NR] - v[1]) / m : 0}'; }
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -z "$(git -C "$root" status --porcelain -- . ':!bench/results' ':!*.md' 2>/dev/null)" ] || commit="$commit (with uncommitted changes)"
mkdir -p "$(dirname "$out")"
{
  echo "# Weir beside nginx, HAProxy and a direct connection"
  echo
  echo "Written by \`bench/compare.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit."
  echo
  echo "- Machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r)."
  echo "- Other processes used $others_pct% of the machine's CPU time during the run; hypervisor steal took $steal_pct%." \
    "Load average (1, 5, 15 min) at start: $load_start; at end: $load_end (this run itself adds about 2)."
  if awk -v o="$others_pct" -v s="$steal_pct" 'BEGIN {exit !(o + s > 5)}'; then
    echo "- **Noisy run**: other work took more than 5% of the CPUs, so absolute req/s and p99 are low and spread;" \
      "CPU-µs/req and the ratios within a round hold up better. Rerun on a quiet machine before quoting figures."
  fi
  echo "- Versions: Weir $commit on $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1 | tr -d '"');" \
    "$(nginx -v 2>&1 | sed 's/^nginx version: //'); HAProxy $(haproxy -v | sed -n 's/^HA-\{0,1\}Proxy version \([^ ]*\).*/\1/p');" \
    "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); $(h2load --version | head -n 1)."
  echo "- Each proxy: one worker/thread (Weir \`--io-threads 1\`, nginx \`worker_processes 1\`, HAProxy \`nbthread 1\`)," \
    "pinned to CPU 0; the load generator and the backend (nginx, a fixed 1 KiB body from memory) on CPU 1." \
    "Proxies forward over HTTP/1.1 keep-alive. \"direct\" is the client on the backend itself (its h2c and TLS listeners for those rows)."
  echo "- Medians of $repeat interleaved runs of ${duration} s, after a ${warmup} s warm-up per target (and ${jit_warmup} s more for Weir's JIT at start, over the same protocols)." \
    "p99 is wrk's \`--latency\` figure, or computed from h2load's per-request log. Whole run: ${elapsed} s."
  echo "- CPU-µs/req: the CPU time (user + system, every thread and child process) the proxy spent per" \
    "completed request; for \"direct\", the backend's. It is the figure least moved by other work on the machine." \
    "Spread: (max − min) ÷ median of the runs' req/s; above ~10% the row is noisy."
  echo
  echo "## Summary: Weir's ratios (medians)"
  echo
  echo "| protocol | req/s ÷ nginx | req/s ÷ HAProxy | req/s ÷ direct | CPU-µs/req ÷ nginx | CPU-µs/req ÷ HAProxy | p99 ÷ nginx | p99 ÷ HAProxy |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|"
  for p in ${protocols//,/ }; do
    wq="$(median "${rps[weir,$p]}")" wc="$(median "${cpu[weir,$p]}")" wl="$(median "${p99[weir,$p]}")"
    echo "| $p | $(ratio "$wq" "$(median "${rps[nginx,$p]}")") | $(ratio "$wq" "$(median "${rps[haproxy,$p]}")")" \
      "| $(ratio "$wq" "$(median "${rps[direct,$p]}")") | $(ratio "$wc" "$(median "${cpu[nginx,$p]}")")" \
      "| $(ratio "$wc" "$(median "${cpu[haproxy,$p]}")") | $(ratio "$wl" "$(median "${p99[nginx,$p]}")")" \
      "| $(ratio "$wl" "$(median "${p99[haproxy,$p]}")") |"
  done
  for p in ${protocols//,/ }; do
    echo
    echo "## $(describe "$p")"
    echo
    echo "| target | req/s | p99 (ms) | CPU-µs/req | req/s ÷ direct | req/s ÷ nginx | p99 ÷ nginx | CPU ÷ nginx | errors | spread | runs (req/s) |"
    echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
    d="$(median "${rps[direct,$p]}")" n="$(median "${rps[nginx,$p]}")" np="$(median "${p99[nginx,$p]}")" nc="$(median "${cpu[nginx,$p]}")"
    for t in "${targets[@]}"; do
      q="$(median "${rps[$t,$p]}")" l="$(median "${p99[$t,$p]}")" c="$(median "${cpu[$t,$p]}")"
      printf '| %s | %.0f | %.2f | %.1f | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$q" "$l" "$c" "$(ratio "$q" "$d")" \
        "$(ratio "$q" "$n")" "$(ratio "$l" "$np")" "$(ratio "$c" "$nc")" "${errs[$t,$p]}" "$(spread "${rps[$t,$p]}")" "${runs[$t,$p]% }"
    done
    echo
    echo "Weir ÷ HAProxy: req/s $(ratio "$(median "${rps[weir,$p]}")" "$(median "${rps[haproxy,$p]}")")," \
      "p99 $(ratio "$(median "${p99[weir,$p]}")" "$(median "${p99[haproxy,$p]}")")," \
      "CPU-µs/req $(ratio "$(median "${cpu[weir,$p]}")" "$(median "${cpu[haproxy,$p]}")")."
  done
  echo
  echo "## Peak resident memory (VmHWM at the end of the run, MiB)"
  echo
  echo "| Weir data plane | nginx (master + worker) | HAProxy | backend |"
  echo "|--:|--:|--:|--:|"
  echo "| ${rss[weir]} | ${rss[nginx]} | ${rss[haproxy]} | ${rss[direct]} |"
} >"$out"

echo
echo "== results (also in ${out#"$root"/})"
# The same tables, aligned for a terminal.
awk -F'|' '
  /^## / {print ""; print substr($0, 4); next}
  /^\| target/ {printf "  %-8s %8s %8s %8s %8s %8s %8s %8s %7s %7s\n", "target", "req/s", "p99 ms", "CPU-µs", \
    "÷direct", "÷nginx", "p99÷ngx", "CPU÷ngx", "errors", "spread"; next}
  /^\| Weir data plane/ {print "  peak RSS (MiB): weir, nginx, haproxy, backend"; next}
  /^\| protocol/ {printf "  %-8s %8s %8s %8s %8s %8s %8s %8s\n", "protocol", "rps÷ngx", "rps÷hap", "rps÷dir", "CPU÷ngx", \
    "CPU÷hap", "p99÷ngx", "p99÷hap"; next}
  /^\| (h1|h2c|h1-tls|h2-tls|tls-new) / {gsub(/ /, ""); printf "  %-8s %8s %8s %8s %8s %8s %8s %8s\n", $2, $3, $4, $5, $6, $7, $8, $9; next}
  /^\|---/ || /^\|--:/ {next}
  /^\| [0-9]/ {print " " $0; next}
  /^\| / {gsub(/ /, ""); printf "  %-8s %8s %8s %8s %8s %8s %8s %8s %7s %7s\n", $2, $3, $4, $5, $6, $7, $8, $9, $10, $11; next}
  /^Weir ÷ HAProxy/ {print "  " $0}
  /^- Load average/ {print substr($0, 3)}
' "$out"
