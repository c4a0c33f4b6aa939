#!/usr/bin/env bash
# Starts Weir's local demo: the shop's four demo backends and the seed gateway's five (seed/),
# the controller in local mode on this folder, and one data plane. Called by `./weir demo`
# (which finds the JDK and builds first). Ctrl-C stops everything. Logs go to .weir/demo/ at the repository's root.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
logs="$root/.weir/demo"
mkdir -p "$logs"
java="$JAVA_HOME/bin/java"
read -r -a jvm <<<"${WEIR_JVM_FLAGS:---enable-native-access=ALL-UNNAMED -XX:+UseSerialGC}"
# The data plane's own memory flags (./weir jvm-flags dataplane), after the shared ones.
read -r -a dataplane_jvm <<<"${WEIR_DATAPLANE_JVM_FLAGS:-}"

pids=()
cleanup() { trap - INT TERM EXIT; [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; }
trap cleanup INT TERM EXIT

start() { # name, then the command
  local name="$1"; shift
  "$@" >"$logs/$name.log" 2>&1 &
  pids+=($!)
}

for port in 8080 8088 8443 9101 9102 9103 9104 9111 9112 9113 9114 9115 18000 18001 18081 18082; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "weir demo: port $port is already in use; stop whatever uses it (an earlier demo?)" >&2
    exit 1
  fi
done

start backends "$java" "${jvm[@]}" -jar "$root/testing/target/weir-testing.jar" \
  storefront=127.0.0.1:9101 catalog=127.0.0.1:9102 cart=127.0.0.1:9103 checkout=127.0.0.1:9104 \
  oauth=127.0.0.1:9111 admin-portal=127.0.0.1:9112 kline=127.0.0.1:9113 flow=127.0.0.1:9114 \
  test=127.0.0.1:9115
start controller "$java" "${jvm[@]}" -jar "$root/controller/target/weir-controller.jar" \
  --manifests "$here" --grpc-port 18000 --admin-port 18001 --http-port 8080 --https-port 8443
start dataplane "$java" "${jvm[@]}" "${dataplane_jvm[@]}" -jar "$root/dataplane/target/weir-dataplane.jar" \
  --controller 127.0.0.1:18000 --node-id demo --probe-port 18081 --admin-port 18082

for _ in $(seq 1 300); do
  if curl -fsS -o /dev/null http://127.0.0.1:18081/ready 2>/dev/null; then break; fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "weir demo: a process exited; see $logs/" >&2; tail -n 20 "$logs"/*.log >&2; exit 1; }
  done
  sleep 0.1
done
curl -fsS -o /dev/null http://127.0.0.1:18081/ready || { echo "weir demo: data plane not ready; see $logs/" >&2; exit 1; }

# A token signed with the seed's DEMO key (examples/seed/jwt.yaml), valid until 2100. Anyone can
# mint tokens for that key: never trust it outside the demo.
seed_token='eyJraWQiOiJzZWVkLWRlbW8tMSIsInR5cCI6IkpXVCIsImFsZyI6IkVTMjU2In0.eyJpc3MiOiJodHRwczovL2F1dGguc2VlZC5sb2NhbCIsImF1ZCI6InNlZWQtYXBpIiwic3ViIjoiZGVtby11c2VyIiwiZXhwIjo0MTAyNDQ0ODAwLCJpYXQiOjE3NjcyMjU2MDB9.w5Rjyfd6lpLjJ2WUjksmoo3-49EZiWu2RHvj-6OTFFBuZWUP_yyLqahaqzHkP1oXZDLGJQC-Nngud1VyR81svQ'

cat <<MSG

Weir is running: controller (local mode on examples/), one data plane, nine demo backends.
Try:
  curl -H 'Host: shop.local' http://127.0.0.1:8080/                  # storefront
  curl -H 'Host: shop.local' http://127.0.0.1:8080/api/catalog/42    # catalog
  curl -H 'Host: shop.local' http://127.0.0.1:8080/api/cart          # cart
  curl -H 'Host: shop.local' http://127.0.0.1:8080/api/checkout      # checkout (Exact)
  curl -H 'Host: other.local' http://127.0.0.1:8080/                 # defaultBackend: storefront
  curl -k --resolve secure.shop.local:8443:127.0.0.1 https://secure.shop.local:8443/   # TLS by SNI
Seed gateway (examples/seed/, port 8088; /oauth and /test open, everything else needs a JWT):
  export SEED_TOKEN='$seed_token'   # a DEMO token, see examples/seed/jwt.yaml
  curl http://127.0.0.1:8088/oauth/token                             # oauth, no token needed
  curl -i http://127.0.0.1:8088/kline/btc                            # 401, WWW-Authenticate
  curl -H "Authorization: Bearer \$SEED_TOKEN" http://127.0.0.1:8088/kline/btc   # kline
  curl -H "Authorization: Bearer \$SEED_TOKEN" http://127.0.0.1:8088/anything   # catch-all: admin-portal
  curl http://127.0.0.1:18082/config                                 # data plane: what it serves
  curl http://127.0.0.1:18001/nodes                                  # controller: who ACKed what
  curl -s http://127.0.0.1:18081/metrics | grep '^weir_requests_total'   # requests per route
  curl -s http://127.0.0.1:18001/metrics | grep '^weir_controller_last_propagation_seconds'   # your last edit: seconds until every data plane ACKed it
Then edit examples/shop.yaml (say, send /api/cart to catalog) and curl again.
A load loop that shows the swap drops nothing:
  while true; do curl -s -o /dev/null -w '%{http_code}\n' -H 'Host: shop.local' http://127.0.0.1:8080/api/cart; done | uniq -c
Logs: $logs/   Stop: Ctrl-C
MSG
wait -n "${pids[@]}" || true
echo "weir demo: a process exited; see $logs/" >&2
