#!/usr/bin/env bash
# Weir on a real cluster: creates a kind cluster, installs the Gateway API CRDs from their
# upstream release, builds both images and loads them into the cluster, `helm install`s Weir,
# deploys an echo backend, applies an HTTPRoute and an Ingress, and curls through the data plane.
#
# Needs: docker (a running engine), kind, kubectl, helm, curl. Run from anywhere:
#   e2e/kind/run.sh              create the cluster, test, delete the cluster
#   e2e/kind/run.sh --keep       leave the cluster running afterwards (kubectl --context kind-weir)
# Environment: CLUSTER (default weir), GATEWAY_API_VERSION (default v1.4.0), TIMEOUT (default 180s).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cluster="${CLUSTER:-weir}"
gateway_api="${GATEWAY_API_VERSION:-v1.4.0}"
timeout="${TIMEOUT:-180s}"
namespace=weir-system
tag=kind
keep=false

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

for arg in "$@"; do
  case "$arg" in
    --keep) keep=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

for tool in docker kind kubectl helm curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is required" >&2; exit 1; }
done

log() { printf '\n==> %s\n' "$*"; }

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    log "failed; state of the cluster:"
    kubectl --context "kind-$cluster" -n "$namespace" get pods,svc,events 2>/dev/null || true
    kubectl --context "kind-$cluster" -n "$namespace" logs -l app.kubernetes.io/component=controller --tail=50 2>/dev/null || true
  fi
  if [ "$keep" = false ]; then
    kind delete cluster --name "$cluster" >/dev/null 2>&1 || true
  fi
  exit "$status"
}
trap cleanup EXIT

log "creating kind cluster $cluster (host port 8080 -> node port 30080)"
kind create cluster --name "$cluster" --wait 120s --config - <<KIND
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    extraPortMappings:
      - containerPort: 30080
        hostPort: 8080
        protocol: TCP
KIND
kctl() { kubectl --context "kind-$cluster" "$@"; }

log "installing the Gateway API CRDs ($gateway_api, standard channel)"
kctl apply --server-side -f \
  "https://github.com/kubernetes-sigs/gateway-api/releases/download/$gateway_api/standard-install.yaml"
kctl wait --for condition=Established --timeout="$timeout" crd/gateways.gateway.networking.k8s.io crd/httproutes.gateway.networking.k8s.io

log "building the images"
docker build -f "$root/Dockerfile.controller" -t "weir-controller:$tag" "$root"
docker build -f "$root/Dockerfile.dataplane" -t "weir-dataplane:$tag" "$root"
kind load docker-image --name "$cluster" "weir-controller:$tag" "weir-dataplane:$tag"

log "helm install weir"
# kind has no load balancer: a NodePort mapped to the host's :8080 stands in for it.
helm --kube-context "kind-$cluster" install weir "$root/helm/weir" \
  --namespace "$namespace" --create-namespace \
  --set controller.image.tag="$tag" --set dataplane.image.tag="$tag" \
  --set controller.image.pullPolicy=Never --set dataplane.image.pullPolicy=Never \
  --set dataplane.replicas=1 --set dataplane.podDisruptionBudget.enabled=false \
  --set dataplane.service.type=NodePort --set dataplane.service.httpNodePort=30080

log "waiting for a leader and a data plane with its first snapshot"
# Only the leader is Ready, so wait for one Ready controller pod, then for the data plane (Ready
# only once it has applied a snapshot, which only the leader serves).
ready_controllers() {
  kctl -n "$namespace" get pods -l app.kubernetes.io/component=controller \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true
}
deadline=$((SECONDS + 180))
until [ "$(ready_controllers)" -eq 1 ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "run.sh: no controller became the leader within 180 s" >&2
    exit 1
  fi
  sleep 2
done
kctl -n "$namespace" rollout status deploy/weir-dataplane --timeout="$timeout"

log "deploying an echo backend, a Gateway with an HTTPRoute, and an Ingress"
kctl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
  namespace: demo
spec:
  replicas: 1
  selector:
    matchLabels: {app: echo}
  template:
    metadata:
      labels: {app: echo}
    spec:
      containers:
        - name: echo
          image: registry.k8s.io/e2e-test-images/agnhost:2.53
          args: [netexec, --http-port=8080]
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: echo
  namespace: demo
spec:
  selector: {app: echo}
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: web
  namespace: demo
spec:
  gatewayClassName: weir
  listeners:
    - name: http
      protocol: HTTP
      port: 8080
      allowedRoutes:
        namespaces: {from: Same}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: echo
  namespace: demo
spec:
  parentRefs:
    - name: web
  hostnames: [route.example]
  rules:
    - matches:
        - path: {type: PathPrefix, value: /}
      backendRefs:
        - name: echo
          port: 80
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: echo
  namespace: demo
spec:
  ingressClassName: weir
  rules:
    - host: ingress.example
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: echo
                port:
                  number: 80
YAML
kctl -n demo rollout status deploy/echo --timeout="$timeout"
kctl -n demo wait --for=condition=Programmed gateway/web --timeout="$timeout"

# Curls the data plane on the host's :8080 with a Host header until it answers 200.
curl_through() {
  local host="$1" deadline=$((SECONDS + 120))
  until curl -fsS -H "Host: $host" "http://127.0.0.1:8080/hostname" -o /dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "run.sh: no 200 from $host through Weir within 120 s" >&2
      return 1
    fi
    sleep 2
  done
  printf '%s -> backend pod %s\n' "$host" "$(curl -fsS -H "Host: $host" http://127.0.0.1:8080/hostname)"
}

log "curling through Weir"
curl_through route.example
curl_through ingress.example
kctl -n demo get gateway,httproute,ingress
log "passed"
