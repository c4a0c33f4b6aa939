#!/usr/bin/env bash
# Weir at scale: the controller and one data plane as real processes (local mode on a generated
# folder of ordinary Kubernetes YAML; the data plane on gRPC), measured against issue 7's targets.
#   bench/scale.sh [--no-build] [--changes N] [--scenarios LIST] [--out FILE] [--keep]
#     --no-build    use the jars in */target/ as they are (default: build them, tests skipped)
#     --changes N   route edits timed per scenario (default 30)
#     --scenarios   comma list of: base, httproute-1000, httproute-10000, httproute-10000-512m,
#                   ingress-10000 (default: all)
#     --out FILE    the Markdown report (default bench/results/scale-latest.md)
#     --keep        keep the temp folder (manifests, logs, JSON) even when the run succeeds
# Scenarios (each a fresh controller + data plane):
#   base             1 HTTPRoute, 1 endpoint: idle memory, then 10,000 idle TCP and 10,000 idle TLS
#                    client connections (one HTTP/1.1 request each, then idle): the RSS they add
#   httproute-N      N HTTPRoutes (one rule each, 500 hostnames) over 1,000 Services x 100
#                    endpoints = 100,000 endpoints: start -> ready, memory, snapshot size, and N
#                    edits of one route timed from the file write to every data plane's ACK
#   httproute-10000-512m  the same, the controller's JVM sized as in its container with the
#                    chart's 512Mi limit (Dockerfile.controller: -XX:MaxRAMPercentage=50; here
#                    -XX:MaxRAM=512m stands for the cgroup limit)
#   ingress-10000    the same with 10,000 Ingress rules (100 Ingresses of 100 rules)
# Endpoints are fake (127.1.0.0/16 and up, port 9): no health checks are configured, so nothing
# connects to them; the report shows the data plane's upstream connection count to prove it.
# Memory is read after four `jcmd GC.run` (VmRSS, VmHWM from /proc; heap from jvm_memory_used_bytes),
# with the launcher's JVM flags and default heap settings. Neither program is pinned to a CPU.
# Takes about 10 minutes; needs python3, curl, openssl and a JDK (found by ./weir).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
changes=30 scenarios=base,httproute-1000,httproute-10000,httproute-10000-512m,ingress-10000 build=1 keep=0
out="$root/bench/results/scale-latest.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --changes) changes="$2"; shift ;;
    --scenarios) scenarios="$2"; shift ;;
    --out) out="$2"; shift ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scale.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
JAVA_HOME="$("$root/weir" java-home)"
if [ "$build" = 1 ]; then
  "$root/weir" mvn -B -q -pl controller,dataplane -am package -DskipTests -Dspotless.check.skip=true
fi
for jar in controller/target/weir-controller.jar dataplane/target/weir-dataplane.jar; do
  [ -f "$root/$jar" ] || { echo "scale.sh: $jar is missing; run without --no-build" >&2; exit 1; }
done
# The data plane and the idle-connection client each hold 10,000+ sockets.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10500 ]; then
  echo "scale.sh: ulimit -n is $(ulimit -n); the idle-connection runs need 10,500" >&2; exit 1
fi

work="$(mktemp -d /tmp/weir-scale.XXXXXX)"; logs="$work/logs"; res="$work/results"
mkdir -p "$logs" "$res"
read -r -a flags <<<"$("$root/weir" jvm-flags controller)"
java=("$JAVA_HOME/bin/java" "${flags[@]}")
# WEIR_BENCH_JVM_FLAGS (optional) is appended to the data plane's flags, as in compare.sh.
read -r -a dp_flags <<<"$("$root/weir" jvm-flags dataplane) ${WEIR_BENCH_JVM_FLAGS:-}"
dataplane_java=("$JAVA_HOME/bin/java" "${dp_flags[@]}")
py=(python3 "$root/bench/scale.py")
pids=()
cleanup() { # stops what this script started; keeps the temp folder when asked or when a step failed
  local status=$?
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true
  if [ "$status" -eq 0 ] && [ "$keep" = 0 ]; then rm -rf "$work"; else echo "scale.sh: files in $work" >&2; fi
}
trap cleanup EXIT

GRPC=29500 CADMIN=29501 IHTTP=29580 IHTTPS=29543 PROBE=29581 DADMIN=29582 GHTTP=29590 GHTTPS=29553
for port in $GRPC $CADMIN $IHTTP $IHTTPS $PROBE $DADMIN $GHTTP $GHTTPS; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "scale.sh: port $port is already in use (another run?)" >&2; exit 1
  fi
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.local \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

start_weir() { # manifests dir, label: starts controller + data plane; sets ctl, dp, ready_s
  local dir="$1" label="$2" t0
  t0=$(date +%s%N)
  "${java[@]}" "${ctl_flags[@]}" -jar "$root/controller/target/weir-controller.jar" --manifests "$dir" --grpc-port $GRPC \
    --admin-port $CADMIN --http-port $IHTTP --https-port $IHTTPS >"$logs/$label-controller.log" 2>&1 &
  ctl=$!; pids+=("$ctl")
  "${dataplane_java[@]}" -jar "$root/dataplane/target/weir-dataplane.jar" --controller 127.0.0.1:$GRPC --node-id scale \
    --probe-port $PROBE --admin-port $DADMIN --access-log off --max-connections 12000 \
    >"$logs/$label-dataplane.log" 2>&1 &
  dp=$!; pids+=("$dp")
  for _ in $(seq 1 1800); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PROBE/ready" 2>/dev/null && break
    kill -0 "$ctl" "$dp" 2>/dev/null || { tail -n 20 "$logs/$label"-*.log >&2; echo "scale.sh: a process exited" >&2; exit 1; }
    sleep 0.1
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$PROBE/ready" || { echo "scale.sh: [$label] not ready in 180 s" >&2; exit 1; }
  ready_s=$(awk "BEGIN {print ($(date +%s%N) - $t0) / 1e9}")
  # Ready means applied; wait for the controller to have seen the ACK too. (Its lastPropagation
  # stays empty when the data plane connected only after the first build: nothing was pending.)
  until curl -fsS "http://127.0.0.1:$CADMIN/metrics" | grep -qE '^weir_controller_nodes\{state="acked"\} 1(\.0)?$'; do
    sleep 0.1
  done
  echo "[$label] ready in ${ready_s} s"
}

stop_weir() { kill "$ctl" "$dp"; wait "$ctl" "$dp" 2>/dev/null || true; pids=("${pids[@]:0:${#pids[@]}-2}"); }

measure() { # label, routes, endpoints: GC both programs, then record their memory and gauges
  local label="$1" extra
  # Idle means settled, as in compare.sh: start-up compiles and allocates for a few seconds after
  # ready, and the JVM returns freed native memory every 5 s.
  sleep 10
  # Four full GCs: SerialGC's full GC may leave dead objects in place as filler ("dead wood", up to
  # MarkSweepDeadRatio=5% of the old generation, which at 10,000 routes was 12 MiB) and compacts all
  # of it only every MarkSweepAlwaysCompactCount=4th time.
  for _ in 1 2 3 4; do "$JAVA_HOME/bin/jcmd" "$ctl" GC.run >/dev/null; "$JAVA_HOME/bin/jcmd" "$dp" GC.run >/dev/null; done
  sleep 1
  extra="{\"routes\": $2, \"endpoints\": $3, \"ready_s\": $ready_s}"
  "${py[@]}" stats --name "$label/controller" --pid "$ctl" --metrics "http://127.0.0.1:$CADMIN/metrics" \
    --extra "${extra%\}}, \"flags\": \"${ctl_flags[*]:-}\"}" --out "$res/$label-controller.json"
  "${py[@]}" stats --name "$label/dataplane" --pid "$dp" --metrics "http://127.0.0.1:$DADMIN/metrics" \
    --extra "$extra" --out "$res/$label-dataplane.json"
}

gen() { # dir, kind, routes, services, endpoints per service
  "${py[@]}" gen "$1" --kind "$2" --routes "$3" --services "$4" --endpoints-per-service "$5" \
    --http-port $GHTTP --https-port $GHTTPS --cert "$work/cert.pem" --key "$work/key.pem"
}

idle() { # tcp|tls
  local tls=() port=$GHTTP
  [ "$1" = tls ] && tls=(--tls) && port=$GHTTPS
  "${py[@]}" idle "127.0.0.1:$port" --count 10000 "${tls[@]}" --rss-pid "$dp" \
    --metrics "http://127.0.0.1:$DADMIN/metrics" --out "$res/idle-$1.json"
  # The next run starts once the proxy has closed these (its gauge back to 0).
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$DADMIN/metrics" | grep -qE '^weir_downstream_connections_active\{[^}]*\} [1-9]' || break
    sleep 0.1
  done
}

IFS=, read -r -a list <<<"$scenarios"
for s in "${list[@]}"; do
  ctl_flags=()
  case "$s" in
    base) routes=1 services=1 per=1 kind=httproute ;;
    httproute-1000) routes=1000 services=1000 per=100 kind=httproute ;;
    httproute-10000) routes=10000 services=1000 per=100 kind=httproute ;;
    httproute-10000-512m) routes=10000 services=1000 per=100 kind=httproute
      ctl_flags=(-XX:MaxRAM=512m -XX:MaxRAMPercentage=50.0) ;;
    ingress-10000) routes=10000 services=1000 per=100 kind=ingress ;;
    *) echo "scale.sh: unknown scenario $s" >&2; exit 2 ;;
  esac
  echo "== $s: $routes ${kind}s, $services Services x $per endpoints"
  gen "$work/$s" "$kind" "$routes" "$services" "$per"
  start_weir "$work/$s" "$s"
  if [ "$s" = base ]; then
    measure "$s" "$routes" $((services * per))
    idle tcp
    idle tls
  else
    "${py[@]}" changes "$work/$s" --admin "127.0.0.1:$CADMIN" --count "$changes" --out "$res/$s-changes.json"
    measure "$s" "$routes" $((services * per))
  fi
  stop_weir
done

header="# Weir at scale (bench/scale.sh)

$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with local changes)'); $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM; $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1); controller JVM flags: \`${flags[*]}\`; data-plane JVM flags: \`${dp_flags[*]}\`; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Controller and data plane each run as a process, unpinned; ${changes} changes per scenario."
mkdir -p "$(dirname "$out")"
"${py[@]}" report "$res" --header "$header" --out "$out"
echo "scale.sh: report in $out"
