#!/usr/bin/env bash
# A quick, single-run measurement for development (bench/compare.sh puts Weir beside nginx and
# HAProxy): snapshot apply time for the demo and for 1,000 Ingress rules, and
# wrk req/s through the data plane beside a direct connection to the same backend (medians of
# three interleaved runs; single runs on this shared machine vary by ±10%).
#   bench/quick-compare.sh [--no-build]   (needs wrk: apt-get install wrk)
#     --no-build   use the jars in */target/ as they are (default: `./weir build`)
# The proxy is pinned to CPU 0; wrk and the backend to CPU 1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
JAVA_HOME="$("$root/weir" java-home)"
if [ "${1:-}" = --no-build ]; then
  for jar in controller/target/weir-controller.jar dataplane/target/weir-dataplane.jar testing/target/weir-testing.jar; do
    [ -f "$root/$jar" ] || { echo "quick-compare.sh: --no-build, but $jar is missing; run ./weir build" >&2; exit 1; }
  done
else
  "$root/weir" build
fi
work="$(mktemp -d)"; logs="$work/logs"; mkdir -p "$logs"
read -r -a flags <<<"$("$root/weir" jvm-flags)"
java=("$JAVA_HOME/bin/java" "${flags[@]}")
read -r -a dp_flags <<<"$("$root/weir" jvm-flags dataplane)"
dataplane_java=("$JAVA_HOME/bin/java" "${dp_flags[@]}")
pids=()
cleanup() { # stops what this script started; keeps the logs only when something failed
  local status=$?
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true
  if [ "$status" -eq 0 ]; then rm -rf "$work"; else echo "quick-compare.sh: logs in $logs" >&2; fi
}
trap cleanup EXIT

for port in 28000 28001 28080 28081 28082 28443 29101; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "quick-compare.sh: port $port is already in use (another run?)" >&2; exit 1
  fi
done

wait_ready() { # probe port, label: waits for /ready; on failure shows the logs and exits
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/ready" 2>/dev/null && return 0
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { tail -n 20 "$logs/$2"-*.log >&2; echo "quick-compare.sh: a process exited" >&2; exit 1; }
    done
    sleep 0.1
  done
  echo "quick-compare.sh: the data plane was not ready within 60 s; logs in $logs" >&2; exit 1
}

run_weir() { # manifests dir, label: starts controller + data plane, waits for ready, prints apply line
  local dir="$1" label="$2"
  taskset -c 1 "${java[@]}" -jar "$root/controller/target/weir-controller.jar" --manifests "$dir" \
    --grpc-port 28000 --admin-port 28001 --http-port 28080 --https-port 28443 >"$logs/$label-controller.log" 2>&1 &
  pids+=($!)
  taskset -c 0 "${dataplane_java[@]}" -jar "$root/dataplane/target/weir-dataplane.jar" --controller 127.0.0.1:28000 \
    --node-id bench --probe-port 28081 --admin-port 28082 --io-threads 1 --access-log off >"$logs/$label-dataplane.log" 2>&1 &
  pids+=($!)
  wait_ready 28081 "$label"
  echo "[$label] first apply (cold JVM): $(grep -oE 'generation 1 in [0-9.]+ ms.*' "$logs/$label-dataplane.log" | tail -n 1)"
}

version() { curl -fsS http://127.0.0.1:28082/config | sed -n 's/^{"version":"\([0-9a-f]*\)".*/\1/p'; }

change_and_time() { # file, label: appends a path to an Ingress, times file write -> data plane serving it
  local file="$1" label="$2" before start end gen
  for i in 1 2 3; do
    before="$(version)"
    start=$(date +%s%N)
    sed -i "0,/paths:/s//paths:\n      - {path: \/changed-$i, pathType: Exact, backend: {service: {name: $3, port: {name: http}}}}/" "$file"
    while [ "$(version)" = "$before" ]; do sleep 0.002; done
    end=$(date +%s%N)
    gen=$((i + 1))
    echo "[$label] change $i: file written -> data plane serving it: $(( (end - start) / 1000000 )) ms;" \
      "apply $(grep -oE "generation $gen in [0-9.]+ ms" "$logs/$label-dataplane.log" | tail -n 1)"
  done
}

stop_weir() { kill "${pids[-1]}" "${pids[-2]}"; wait "${pids[-1]}" "${pids[-2]}" 2>/dev/null || true; unset 'pids[-1]' 'pids[-1]'; }

taskset -c 1 "${java[@]}" -jar "$root/testing/target/weir-testing.jar" bench=127.0.0.1:29101 >"$logs/backend.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fsS -o /dev/null http://127.0.0.1:29101/ 2>/dev/null && break; sleep 0.1; done

echo "== snapshot apply time"
cp -r "$root/examples" "$work/demo"
run_weir "$work/demo" demo; change_and_time "$work/demo/shop.yaml" demo storefront; stop_weir
"$root/bench/gen-ingresses.sh" 1000 "$work/m1000" 29101
run_weir "$work/m1000" rules-1000; change_and_time "$work/m1000/ingress.yaml" rules-1000 svc-1; stop_weir

echo "== HTTP/1.1 keep-alive, 1 KiB responses, wrk -t1 -c50: 10 s warm-up, then 3 interleaved 10 s runs each"
"$root/bench/gen-ingresses.sh" 1 "$work/m1" 29101
run_weir "$work/m1" throughput
taskset -c 1 wrk -t1 -c50 -d10s -H 'Host: bench.local' http://127.0.0.1:28080/bytes/1024 >/dev/null
rps() { taskset -c 1 wrk -t1 -c50 -d10s "$@" | awk '/Requests\/sec/ {print $2}'; }
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
d=(); w=()
for i in 1 2 3; do
  d+=("$(rps http://127.0.0.1:29101/bytes/1024)")
  w+=("$(rps -H 'Host: bench.local' http://127.0.0.1:28080/bytes/1024)")
  echo "run $i: direct ${d[-1]} req/s, weir ${w[-1]} req/s"
done
direct=$(median "${d[@]}"); weir=$(median "${w[@]}")
echo "median: direct $direct req/s   weir $weir req/s   weir/direct: $(awk "BEGIN {printf \"%.2f\", $weir / $direct}")"
