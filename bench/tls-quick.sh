#!/usr/bin/env bash
# A quick TLS measurement for development: wrk through Weir's HTTPS listener (the demo's
# secure.shop.local Ingress, ECDSA P-256 certificate) to the echo backend, 1 KiB responses:
#   - keep-alive: wrk -t1 -c50, TLS handshakes only at start;
#   - handshakes: the same with "Connection: close", so every request is a new TLS connection
#     (wrk does not resume sessions: full handshakes).
# Medians of three 10 s runs after a 10 s warm-up. The proxy is pinned to CPU 0, wrk and the
# backend to CPU 1.
#   bench/tls-quick.sh [BUILD_ROOT]   (BUILD_ROOT: a checkout whose jars are built with
#                                      ./weir mvn -o -DskipTests package; default this one)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root}"
JAVA_HOME="$("$root/weir" java-home)"
work="$(mktemp -d)"; logs="$work/logs"; mkdir -p "$logs"
read -r -a flags <<<"$("$root/weir" jvm-flags)"
java=("$JAVA_HOME/bin/java" "${flags[@]}")
read -r -a dp_flags <<<"$("$root/weir" jvm-flags dataplane)"
dataplane_java=("$JAVA_HOME/bin/java" "${dp_flags[@]}")
pids=()
cleanup() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
wait_ready() { for _ in $(seq 1 600); do curl -fsS -o /dev/null "http://127.0.0.1:$1/ready" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

taskset -c 1 "${java[@]}" -jar "$build/testing/target/weir-testing.jar" checkout=127.0.0.1:29104 >"$logs/backend.log" 2>&1 &
pids+=($!)
cp -r "$root/examples" "$work/demo"
taskset -c 1 "${java[@]}" -jar "$build/controller/target/weir-controller.jar" --manifests "$work/demo" \
  --grpc-port 28000 --admin-port 28001 --http-port 28080 --https-port 28443 >"$logs/controller.log" 2>&1 &
pids+=($!)
taskset -c 0 "${dataplane_java[@]}" -jar "$build/dataplane/target/weir-dataplane.jar" --controller 127.0.0.1:28000 \
  --node-id bench --probe-port 28081 --admin-port 28082 --io-threads 1 --access-log off >"$logs/dataplane.log" 2>&1 &
pids+=($!)
wait_ready 28081
for _ in $(seq 1 100); do curl -fsSk -o /dev/null --resolve secure.shop.local:28443:127.0.0.1 https://secure.shop.local:28443/ 2>/dev/null && break; sleep 0.1; done
# Point the demo's checkout Service at the backend started above.
sed -i 's/port: 9104/port: 29104/' "$work/demo/services.yaml"
sleep 2

url=https://127.0.0.1:28443/bytes/1024
rps() { taskset -c 1 wrk -t1 -c50 -d10s -H 'Host: secure.shop.local' "$@" "$url" | awk '/Requests\/sec/ {print $2}'; }
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
rps >/dev/null
k=(); h=()
for i in 1 2 3; do
  k+=("$(rps)")
  h+=("$(rps -H 'Connection: close')")
  echo "run $i: keep-alive ${k[-1]} req/s, new connection per request ${h[-1]} req/s"
done
echo "median: keep-alive $(median "${k[@]}") req/s   handshakes $(median "${h[@]}") req/s"
