#!/usr/bin/env bash
# Writes a local-mode manifests folder with N Ingress rules (one host, N Exact+Prefix paths
# spread over 10 Services), all pointing at the echo backend on 127.0.0.1:PORT.
#   bench/gen-ingresses.sh N DIR PORT
set -euo pipefail
n="$1"; dir="$2"; port="$3"
mkdir -p "$dir"
cat >"$dir/00-class.yaml" <<YAML
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: weir
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: weir.dev/ingress-controller
YAML
{
  for s in $(seq 0 9); do
    cat <<YAML
---
apiVersion: v1
kind: Service
metadata: {name: svc-$s, namespace: bench}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: svc-$s
  namespace: bench
  labels: {kubernetes.io/service-name: svc-$s}
addressType: IPv4
ports: [{name: http, port: $port}]
endpoints: [{addresses: ["127.0.0.1"]}]
YAML
  done
} >"$dir/services.yaml"
{
  cat <<YAML
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bench, namespace: bench}
spec:
  rules:
  - host: bench.local
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: svc-0, port: {name: http}}}}
YAML
  for i in $(seq 1 $((n - 1))); do
    if [ $((i % 2)) -eq 0 ]; then type=Exact; else type=Prefix; fi
    echo "      - {path: /p$i/items, pathType: $type, backend: {service: {name: svc-$((i % 10)), port: {name: http}}}}"
  done
} >"$dir/ingress.yaml"
