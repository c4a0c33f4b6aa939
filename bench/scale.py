#!/usr/bin/env python3
"""Helpers for bench/scale.sh (standard library only).

  scale.py gen DIR --kind httproute|ingress --routes N --services S --endpoints-per-service E
               --http-port P --https-port P --cert PEM --key PEM
      Writes a local-mode folder of ordinary Kubernetes YAML: a GatewayClass and a Gateway (HTTP
      and HTTPS listeners), S Services each with one EndpointSlice of E endpoints, and N
      HTTPRoutes (one rule each) or N Ingress rules (100 paths per Ingress). Endpoints are fake:
      127.1.x.y etc. on port 9, where nothing listens, so a stray connection is refused at once
      instead of hanging. Routes are spread over the Services and over 500 hostnames, 50 per file.
  scale.py changes DIR --admin HOST:PORT --count N --out FILE.json
      Edits one route N times (an atomic rename of its file: a new path) and times each edit from
      the write to the controller reporting that every connected data plane ACKed the new
      generation (admin /snapshot, lastPropagation); also records the controller's own figure.
  scale.py stats --name NAME --pid PID --metrics URL --out FILE.json
      After the caller's jcmd GC.run: VmRSS, VmHWM and heap used (jvm_memory_used_bytes) of one
      program, plus the Weir gauges the report quotes.
  scale.py report DIR --out FILE.md
      Renders every JSON file in DIR (written by the commands above) as the Markdown report.
  scale.py idle HOST:PORT --count N [--tls] --rss-pid PID --metrics URL --out FILE.json
      Opens N client connections (TLS without verification with --tls), sends one HTTP/1.1 request
      on each, reads the answer, keeps them all open and idle, and records the data plane's VmRSS
      before and after (and the active-connection gauge), then closes them.
"""

import argparse
import asyncio
import json
import math
import os
import re
import ssl
import statistics
import sys
import time
import urllib.request

ROUTES_PER_FILE = 50
SERVICES_PER_FILE = 10
HOSTS = 500
NS = "bench"


def fake_address(index):
    """A unique loopback address per endpoint, outside 127.0.0.0/16 (the real listeners)."""
    return "127.%d.%d.%d" % (1 + index // 65536, (index // 256) % 256, index % 256)


def route_doc(i, path):
    return (
        "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
        f"metadata: {{name: r{i}, namespace: {NS}}}\n"
        f"spec:\n  parentRefs: [{{name: bench}}]\n  hostnames: [app{i % HOSTS}.bench.local]\n"
        f"  rules:\n  - matches: [{{path: {{type: PathPrefix, value: {path}}}}}]\n"
        f"    backendRefs: [{{name: svc-{i % SERVICES}, port: 80}}]\n"
    )


def ingress_doc(n, first, count, paths):
    lines = [
        "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
        f"metadata: {{name: ing{n}, namespace: {NS}}}\nspec:\n  ingressClassName: weir\n  rules:"
    ]
    for i in range(first, first + count):
        lines.append(
            f"  - host: app{i % HOSTS}.bench.local\n    http:\n      paths:\n"
            f"      - {{path: {paths.get(i, f'/r{i}')}, pathType: Prefix, backend: "
            f"{{service: {{name: svc-{i % SERVICES}, port: {{number: 80}}}}}}}}"
        )
    return "\n".join(lines) + "\n"


def write_atomic(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def route_file(directory, kind, i, paths):
    """Writes the file holding route i (with the paths overridden in `paths`); returns its path."""
    if kind == "httproute":
        n = i // ROUTES_PER_FILE
        first, count = n * ROUTES_PER_FILE, min(ROUTES_PER_FILE, ROUTES - n * ROUTES_PER_FILE)
        text = "".join(route_doc(j, paths.get(j, f"/r{j}")) for j in range(first, first + count))
    else:
        n = i // 100
        first, count = n * 100, min(100, ROUTES - n * 100)
        text = ingress_doc(n, first, count, paths)
    path = os.path.join(directory, "routes", f"routes-{n:04d}.yaml")
    write_atomic(path, text)
    return path


def gen(a):
    global ROUTES, SERVICES
    ROUTES, SERVICES = a.routes, a.services
    os.makedirs(os.path.join(a.dir, "services"), exist_ok=True)
    os.makedirs(os.path.join(a.dir, "routes"), exist_ok=True)
    b64 = lambda p: __import__("base64").b64encode(open(p, "rb").read()).decode()
    with open(os.path.join(a.dir, "00-gateway.yaml"), "w") as f:
        f.write(
            "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: weir}\n"
            "spec: {controllerName: weir.dev/gateway-controller}\n---\n"
            "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: weir}\n"
            "spec: {controller: weir.dev/ingress-controller}\n---\n"
            f"apiVersion: v1\nkind: Secret\nmetadata: {{name: bench-tls, namespace: {NS}}}\n"
            f"type: kubernetes.io/tls\ndata:\n  tls.crt: {b64(a.cert)}\n  tls.key: {b64(a.key)}\n---\n"
            "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
            f"metadata: {{name: bench, namespace: {NS}}}\nspec:\n  gatewayClassName: weir\n"
            f"  listeners:\n  - {{name: http, port: {a.http_port}, protocol: HTTP}}\n"
            f"  - name: https\n    port: {a.https_port}\n    protocol: HTTPS\n"
            "    tls: {mode: Terminate, certificateRefs: [{name: bench-tls}]}\n"
        )
    for n in range(0, SERVICES, SERVICES_PER_FILE):
        docs = []
        for s in range(n, min(n + SERVICES_PER_FILE, SERVICES)):
            eps = ", ".join(
                f'{{addresses: ["{fake_address(s * a.endpoints_per_service + e)}"]}}'
                for e in range(a.endpoints_per_service)
            )
            docs.append(
                f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: svc-{s}, namespace: {NS}}}\n"
                "spec: {ports: [{name: http, port: 80}]}\n---\n"
                f"apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: svc-{s}\n"
                f"  namespace: {NS}\n  labels: {{kubernetes.io/service-name: svc-{s}}}\n"
                f"addressType: IPv4\nports: [{{name: http, port: 9}}]\nendpoints: [{eps}]\n"
            )
        with open(os.path.join(a.dir, "services", f"svc-{n // SERVICES_PER_FILE:04d}.yaml"), "w") as f:
            f.write("".join(docs))
    step = ROUTES_PER_FILE if a.kind == "httproute" else 100
    for i in range(0, ROUTES, step):
        route_file(a.dir, a.kind, i, {})
    with open(os.path.join(a.dir, ".scale.json"), "w") as f:
        json.dump({"kind": a.kind, "routes": ROUTES, "services": SERVICES}, f)


def get_json(conn_url):
    with urllib.request.urlopen(conn_url, timeout=10) as r:
        return json.loads(r.read())


def pct(values, p):
    s = sorted(values)  # nearest rank: with fewer than 100 values, p99 is the maximum
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def changes(a):
    global ROUTES, SERVICES
    meta = json.load(open(os.path.join(a.dir, ".scale.json")))
    ROUTES, SERVICES = meta["routes"], meta["services"]
    url = f"http://{a.admin}/snapshot"
    rows = []
    for k in range(a.count):
        before = get_json(url)
        last = (before.get("lastPropagation") or {}).get("generation", 0)
        i = (k * 7919) % ROUTES  # a different route each time, spread over the files
        start = time.monotonic()
        route_file(a.dir, meta["kind"], i, {i: f"/r{i}-edit{time.time_ns()}"})
        while True:
            time.sleep(0.005)
            s = get_json(url)
            p = s.get("lastPropagation") or {}
            if p.get("generation", 0) > last:
                break
            if time.monotonic() - start > 60:
                sys.exit(f"scale.py: change {k} was not ACKed within 60 s")
        rows.append({"e2e_ms": (time.monotonic() - start) * 1000, "controller_ms": p["millis"],
                     "generation": p["generation"], "nodes": p["nodes"]})
        time.sleep(0.3)  # past the debounce, so each edit is a build of its own
    e2e = [r["e2e_ms"] for r in rows]
    ctl = [r["controller_ms"] for r in rows]
    summary = {"count": len(rows), "p50": statistics.median(e2e), "p99": pct(e2e, 99), "max": max(e2e),
               "ctl_p50": statistics.median(ctl), "ctl_p99": pct(ctl, 99), "ctl_max": max(ctl), "rows": rows}
    json.dump(summary, open(a.out, "w"), indent=1)
    print(f"changes: {len(rows)}, write->ACK p50 {summary['p50']:.0f} ms, p99 {summary['p99']:.0f} ms, "
          f"max {summary['max']:.0f} ms (controller: p50 {summary['ctl_p50']:.0f}, p99 {summary['ctl_p99']:.0f})")


def rss_kib(pid):
    out = {}
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmRSS", "VmHWM")):
            k, v = line.split(":")
            out[k] = int(v.split()[0])
    return out


def metric(url, name):
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and (line[len(name)] in " {"):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def open_one(host, port, ctx, conns, sem):
    async with sem:
        conns.append(await asyncio.open_connection(host, port, ssl=ctx))


async def request_one(reader, writer, sem):
    """One HTTP/1.1 request (404: no route has this host) and its whole answer."""
    async with sem:
        writer.write(b"GET /idle HTTP/1.1\r\nHost: idle.invalid\r\n\r\n")
        head = await reader.readuntil(b"\r\n\r\n")
        m = re.search(rb"(?i)content-length: *(\d+)", head)
        if m:
            await reader.readexactly(int(m.group(1)))


async def idle_main(a):
    host, port = a.target.rsplit(":", 1)
    ctx = None
    if a.tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    before = rss_kib(a.rss_pid)
    active_before = metric(a.metrics, "weir_downstream_connections_active")
    conns, sem = [], asyncio.Semaphore(100)
    start = time.monotonic()
    results = await asyncio.gather(*(open_one(host, int(port), ctx, conns, sem) for _ in range(a.count)),
                                   return_exceptions=True)
    opened = time.monotonic() - start
    # The requests come once every connection is open, so that the proxy's 60 s idle timer
    # restarts on all of them however long the handshakes took.
    results += await asyncio.gather(*(request_one(r, w, sem) for r, w in conns), return_exceptions=True)
    errors = [r for r in results if isinstance(r, Exception)]
    await asyncio.sleep(3)  # let the proxy settle (well inside its 60 s idle timeout)
    active = metric(a.metrics, "weir_downstream_connections_active")
    after = rss_kib(a.rss_pid)
    for _, w in conns:
        w.close()
    summary = {"requested": a.count, "open": len(conns), "errors": len(errors),
               "first_error": repr(errors[0]) if errors else None, "open_seconds": opened,
               "active_before": active_before, "active": active, "rss_before_kib": before["VmRSS"],
               "rss_after_kib": after["VmRSS"], "hwm_after_kib": after["VmHWM"]}
    json.dump(summary, open(a.out, "w"), indent=1)
    print(f"idle {'TLS' if a.tls else 'TCP'}: {len(conns)} open ({len(errors)} errors) in {opened:.1f} s, "
          f"proxy sees {active:.0f}; RSS {before['VmRSS'] // 1024} -> {after['VmRSS'] // 1024} MiB")


def stats(a):
    text = urllib.request.urlopen(a.metrics, timeout=30).read().decode()

    def total(name):
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name) and line[len(name)] in " {")

    heap = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("jvm_memory_used_bytes{") and 'area="heap"' in line)
    out = {"name": a.name, "heap_used_bytes": heap, **rss_kib(a.pid)}
    for name in ("weir_controller_snapshot_bytes", "weir_controller_rebuild_duration_seconds_sum",
                 "weir_controller_rebuild_duration_seconds_count", "weir_config_apply_duration_seconds_sum",
                 "weir_config_apply_duration_seconds_count", "weir_upstream_connect_errors_total",
                 "weir_upstream_connections_opened_total", "weir_config_nacks_total"):
        if name in text:
            out[name] = total(name)
    if a.extra:
        out.update(json.loads(a.extra))
    json.dump(out, open(a.out, "w"), indent=1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("dir")
    g.add_argument("--kind", choices=["httproute", "ingress"], default="httproute")
    g.add_argument("--routes", type=int, required=True)
    g.add_argument("--services", type=int, required=True)
    g.add_argument("--endpoints-per-service", type=int, required=True)
    g.add_argument("--http-port", type=int, required=True)
    g.add_argument("--https-port", type=int, required=True)
    g.add_argument("--cert", required=True)
    g.add_argument("--key", required=True)
    c = sub.add_parser("changes")
    c.add_argument("dir")
    c.add_argument("--admin", required=True)
    c.add_argument("--count", type=int, default=30)
    c.add_argument("--out", required=True)
    st = sub.add_parser("stats")
    st.add_argument("--name", required=True)
    st.add_argument("--pid", type=int, required=True)
    st.add_argument("--metrics", required=True)
    st.add_argument("--extra", help="more fields, as a JSON object")
    st.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("dir")
    r.add_argument("--header", required=True, help="Markdown written above the tables")
    r.add_argument("--out", required=True)
    i = sub.add_parser("idle")
    i.add_argument("target")
    i.add_argument("--count", type=int, default=10000)
    i.add_argument("--tls", action="store_true")
    i.add_argument("--rss-pid", type=int, required=True)
    i.add_argument("--metrics", required=True)
    i.add_argument("--out", required=True)
    a = p.parse_args()
    if a.cmd == "gen":
        gen(a)
    elif a.cmd == "changes":
        changes(a)
    elif a.cmd == "stats":
        stats(a)
    elif a.cmd == "report":
        import scale_report
        scale_report.render(a.dir, a.header, a.out)
    else:
        asyncio.run(idle_main(a))


if __name__ == "__main__":
    main()
