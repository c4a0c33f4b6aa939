#!/usr/bin/env bash
# What each Weir policy costs per request: one data plane (pinned to CPU 0, one io thread) serves a
# route per policy, all to the same backend (weir-testing's echo server, pinned to CPU 1 with the
# load generator). For each route it runs wrk (HTTP/1.1 keep-alive, -c50) and reports req/s and
# the data plane's CPU time per request (user + system, from /proc), as the median of --repeat
# interleaved runs, and the overhead against the route without a policy. Every policy is set so
# that it lets every request through (a rate limit far above the load, an allow list holding the
# client, a valid JWT, a 0% fault): the cost of the check, not of refusing. Two rows are costs of
# work rather than checks: cache-hit (every request after the first answered from the cache, so
# no backend exchange at all) and gzip (every 1 KiB text response compressed; clients send
# Accept-Encoding: gzip on every route, and only that route compresses).
#   bench/policies.sh [--no-build] [--duration S] [--repeat N] [--out FILE]
#     --duration  seconds per run (default 6), after a 20 s JIT warm-up over every route
#     --repeat    runs per route (default 3)
#     --out       the Markdown report (default bench/results/policies-latest.md)
# Needs wrk, curl, openssl and taskset.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
conf="$root/bench/conf/policies"
duration=6 repeat=3 build=1 out="$root/bench/results/policies-latest.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --duration) duration="$2"; shift ;;
    --repeat) repeat="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "policies.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
for tool in wrk curl openssl taskset; do
  command -v "$tool" >/dev/null || { echo "policies.sh: needs $tool" >&2; exit 1; }
done
JAVA_HOME="$("$root/weir" java-home)"
[ "$build" = 1 ] && "$root/weir" build
read -r -a flags <<<"$("$root/weir" jvm-flags)"
java=("$JAVA_HOME/bin/java" "${flags[@]}")
read -r -a dp_flags <<<"$("$root/weir" jvm-flags dataplane)"
dataplane_java=("$JAVA_HOME/bin/java" "${dp_flags[@]}")
work="$(mktemp -d)"; logs="$work/logs"; mkdir -p "$logs" "$work/manifests"
pids=()
cleanup() {
  local status=$?
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true
  if [ "$status" -eq 0 ]; then rm -rf "$work"; else echo "policies.sh: logs in $logs" >&2; fi
}
trap cleanup EXIT
PORT=28180 BACKEND=29181
for port in 28100 28101 "$PORT" 28181 28182 "$BACKEND"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "policies.sh: port $port is already in use (another run?)" >&2; exit 1
  fi
done

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# HS256: the JWKS (an "oct" key) goes into a ConfigMap; the token is signed here with the same key.
secret="$(openssl rand -hex 32)"
JWK_K="$(printf '%s' "$secret" | b64url)"
header="$(printf '{"alg":"HS256","kid":"bench","typ":"JWT"}' | b64url)"
payload="$(printf '{"iss":"bench","aud":"bench","sub":"u1","exp":%d}' "$(( $(date +%s) + 86400 ))" | b64url)"
signature="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$secret" -binary | b64url)"
token="$header.$payload.$signature"

render() { # template, name, extra spec lines (indented two spaces)
  sed -e "s/@NAME@/$2/g" -e "s/@PORT@/$PORT/g" -e "s/@BACKEND@/$BACKEND/g" -e "s/@JWK_K@/$JWK_K/g" "$1"
  [ -n "${3:-}" ] && printf '%s\n' "$3"
  echo "---"
}
# name|kind (none, traffic, backend)|spec lines
policies=(
  "none|none|"
  "rate-limit|traffic|  rateLimit: {requests: 100000000, unit: Second}"
  "ip-access|traffic|  ipAccess: {allow: [127.0.0.0/8]}"
  "security-headers|traffic|  securityHeaders: {hsts: {maxAge: 31536000}, contentTypeNosniff: true, frameOptions: DENY, contentSecurityPolicy: \"default-src 'self'\", removeServerHeader: true}"
  "fault-0pct|traffic|  faultInjection: {abort: {status: 503, percentage: 0}}"
  "cache-hit|traffic|  cache: {defaultTtl: 60s}"
  "gzip|traffic|  compression: {gzip: true, minSize: 512}"
  "jwt-hs256|traffic|  jwt: {providers: [{name: bench, issuer: bench, audiences: [bench], jwks: {configMapRef: {name: bench-jwks}}, claimToHeaders: [{claim: sub, header: x-user}]}]}"
  "least-request|backend|  loadBalancer: {type: LeastRequest}"
  "ring-hash|backend|  loadBalancer: {type: RingHash, hashOn: {header: x-user}}"
  "maglev|backend|  loadBalancer: {type: Maglev, hashOn: {header: x-user}}"
  "session-cookie|backend|  sessionPersistence: {type: Cookie, name: weir-session}"
  "circuit-breaker|backend|  circuitBreaker: {maxRequests: 100000, maxPendingRequests: 100000}"
  "outlier-detection|backend|  outlierDetection: {consecutive5xx: 5}"
)
{
  render "$conf/policies.yaml" ""
  for p in "${policies[@]}"; do
    IFS='|' read -r name kind spec <<<"$p"
    render "$conf/service.yaml" "$name"
    case "$kind" in
      traffic) render "$conf/traffic.yaml" "$name" "$spec" ;;
      backend) render "$conf/backend.yaml" "$name" "$spec" ;;
    esac
  done
} >"$work/manifests/bench.yaml"

taskset -c 1 "${java[@]}" -jar "$root/testing/target/weir-testing.jar" "bench=127.0.0.1:$BACKEND" >"$logs/backend.log" 2>&1 &
pids+=($!)
taskset -c 1 "${java[@]}" -jar "$root/controller/target/weir-controller.jar" --manifests "$work/manifests" \
  --grpc-port 28100 --admin-port 28101 --http-port 28090 --https-port 28493 >"$logs/controller.log" 2>&1 &
pids+=($!)
taskset -c 0 "${dataplane_java[@]}" -jar "$root/dataplane/target/weir-dataplane.jar" --controller 127.0.0.1:28100 \
  --node-id bench --probe-port 28181 --admin-port 28182 --io-threads 1 --access-log off >"$logs/dataplane.log" 2>&1 &
dp=$!; pids+=("$dp")
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/none/" 2>/dev/null && break
  kill -0 "$dp" 2>/dev/null || { tail -n 30 "$logs"/*.log >&2; exit 1; }
  sleep 0.1
done
# Every route must answer 200 before anything is measured: a policy that refuses would measure
# its refusal path, and a route that is missing would measure the 404.
# Each route gets only the headers its policy reads: a token only for jwt (RFC 9111 §3.5: a request
# with Authorization is not answered from a shared cache), a hash key only for the hashing ones.
headers() { # route
  printf '%s\n' -H "Accept-Encoding: gzip"
  case "$1" in
    jwt-*) printf '%s\n' -H "Authorization: Bearer $token" ;;
    ring-hash|maglev) printf '%s\n' -H "x-user: u1" ;;
  esac
}
for p in "${policies[@]}"; do
  name="${p%%|*}"
  mapfile -t h < <(headers "$name")
  code="$(curl -s -o /dev/null -w '%{http_code}' "${h[@]}" "http://127.0.0.1:$PORT/$name/text/1024" || true)"
  [ "$code" = 200 ] || { echo "policies.sh: /$name/ answers $code, not 200; see $logs" >&2; exit 1; }
done

ticks() { awk '{print $14 + $15}' "/proc/$dp/stat"; }
hz="$(getconf CLK_TCK)"
run() { # route -> "REQ_PER_S CPU_US_PER_REQUEST"
  local before after out requests h
  mapfile -t h < <(headers "$1")
  before="$(ticks)"
  out="$(taskset -c 1 wrk -t1 -c50 -d"${duration}s" "${h[@]}" "http://127.0.0.1:$PORT/$1/text/1024")"
  after="$(ticks)"
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  awk -v r="$requests" -v d="$duration" -v t="$((after - before))" -v hz="$hz" \
    'BEGIN {printf "%.0f %.2f", r / d, t * 1e6 / hz / r}'
}
echo "warming up (20 s over every route)"
for p in "${policies[@]}"; do
  mapfile -t h < <(headers "${p%%|*}")
  taskset -c 1 wrk -t1 -c50 -d"$(( 20 / ${#policies[@]} + 1 ))s" "${h[@]}" "http://127.0.0.1:$PORT/${p%%|*}/text/1024" >/dev/null
done
declare -A rps cpu
for i in $(seq 1 "$repeat"); do
  for p in "${policies[@]}"; do
    name="${p%%|*}"
    read -r r c <<<"$(run "$name")"
    rps[$name]+="$r "; cpu[$name]+="$c "
    echo "run $i $name: $r req/s, $c CPU-µs/request"
  done
done
median() { tr ' ' '\n' <<<"$1" | awk NF | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
base_cpu="$(median "${cpu[none]}")"
mkdir -p "$(dirname "$out")"
{
  echo "# Policy overhead per request"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "One data plane (one io thread, CPU 0); wrk -t1 -c50 and the echo backend on CPU 1; 1 KiB text/plain"
  echo "responses; median of $repeat interleaved ${duration} s runs. Every policy lets every request through."
  echo
  echo "| route | req/s | data-plane CPU-µs/request | overhead vs none (µs) |"
  echo "|---|---:|---:|---:|"
  for p in "${policies[@]}"; do
    name="${p%%|*}"
    c="$(median "${cpu[$name]}")"
    echo "| $name | $(median "${rps[$name]}") | $c | $(awk -v a="$c" -v b="$base_cpu" 'BEGIN {printf "%+.2f", a - b}') |"
  done
} | tee "$out"
