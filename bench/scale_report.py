"""Renders the JSON files bench/scale.sh collects into its Markdown report (see scale.py)."""

import glob
import json
import os

MIB = 1024 * 1024


def load(directory):
    data = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        data[os.path.basename(path)[:-5]] = json.load(open(path))
    return data


def verdict(value, limit):
    if value is None:
        return "not measured"
    return "met" if value <= limit else "**missed**"


def fmt(value, unit="", digits=0):
    return "–" if value is None else f"{value:,.{digits}f}{unit}"


def mean_ms(stats, name):
    count = stats.get(name + "_count")
    return stats[name + "_sum"] / count * 1000 if count else None


def render(directory, header, out):
    d = load(directory)
    scenarios = [k[: -len("-controller")] for k in d if k.endswith("-controller")]
    changes = {s: d.get(f"{s}-changes") for s in scenarios}
    base_dp = d.get("base-dataplane")
    big = "httproute-10000"
    big_dp, big_ctl = d.get(f"{big}-dataplane"), d.get(f"{big}-controller")

    def p99(s):
        c = changes.get(s)
        return c["p99"] if c else None

    rss = lambda st: st["VmRSS"] / 1024 if st else None
    route_delta = rss(big_dp) - rss(base_dp) if big_dp and base_dp else None
    heap_delta = ((big_dp["heap_used_bytes"] - base_dp["heap_used_bytes"]) / MIB
                  if big_dp and base_dp else None)
    idle = {k: d.get(f"idle-{k}") for k in ("tcp", "tls")}

    def idle_delta(k):
        i = idle[k]
        return None if not i or not i["open"] else (i["rss_after_kib"] - i["rss_before_kib"]) / 1024 * 10000 / i["open"]

    lines = [header, "", "## Against the targets", "",
             "| what | target | measured | |", "|---|---|---|---|"]
    rows = [
        ("change → ACK p99, 1,000 HTTPRoutes (file write → every data plane ACKed)", "≤ 1,000 ms",
         p99("httproute-1000"), 1000, " ms"),
        ("change → ACK p99, 10,000 HTTPRoutes", "≤ 2,000 ms", p99(big), 2000, " ms"),
        ("change → ACK p99, 10,000 Ingress rules (same target as routes)", "≤ 2,000 ms",
         p99("ingress-10000"), 2000, " ms"),
        ("change → ACK p99, 10,000 HTTPRoutes, controller JVM sized for a 512Mi container", "≤ 2,000 ms",
         p99(big + "-512m"), 2000, " ms"),
        ("controller RSS, 10,000 HTTPRoutes + 100,000 endpoints (launcher defaults: max heap ¼ of RAM)",
         "≤ 512 MiB", rss(big_ctl), 512, " MiB"),
        ("controller RSS, the same, JVM sized as in its container with the chart's 512Mi limit",
         "≤ 512 MiB", rss(d.get(big + "-512m-controller")), 512, " MiB"),
        ("data-plane RSS per 10,000 routes (10,000 HTTPRoutes + 100,000 endpoints − 1 route)",
         "≤ 40 MiB", route_delta, 40, " MiB"),
        ("(context) data-plane heap after GC, same difference: what the routes and endpoints retain",
         "–", heap_delta, 40, " MiB"),
        ("data-plane idle RSS (1 route, default settings)", "≤ 128 MiB", rss(base_dp), 128, " MiB"),
    ]
    for what, target, value, limit, unit in rows:
        lines.append(f"| {what} | {target} | {fmt(value, unit)} | {verdict(value, limit)} |")
    for k, label in (("tcp", "TCP (HTTP/1.1, one request each)"), ("tls", "TLS 1.3 (HTTP/1.1, one request each)")):
        lines.append(f"| data-plane RSS per 10,000 idle {label} connections | no target | "
                     f"{fmt(idle_delta(k), ' MiB')} | |")

    lines += ["", "## Each scenario", "",
              "Memory after four `jcmd <pid> GC.run` (SerialGC compacts fully every 4th); heap = `jvm_memory_used_bytes{area=\"heap\"}`; "
              "HWM = peak RSS since start. Build and apply are means over the run "
              "(`weir_controller_rebuild_duration_seconds`, `weir_config_apply_duration_seconds`), the "
              "first (cold) one included.", "",
              "| scenario | routes | endpoints | start → ready | snapshot | build (mean) | apply (mean) "
              "| controller heap / RSS / HWM | data plane heap / RSS / HWM | upstream connects (errors) |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for s in scenarios:
        c, p = d[f"{s}-controller"], d.get(f"{s}-dataplane", {})
        lines.append(
            f"| {s} | {c.get('routes', 0):,} | {c.get('endpoints', 0):,} | {fmt(c.get('ready_s'), ' s', 1)} "
            f"| {fmt(c.get('weir_controller_snapshot_bytes', 0) / 1024, ' KiB')} "
            f"| {fmt(mean_ms(c, 'weir_controller_rebuild_duration_seconds'), ' ms')} "
            f"| {fmt(mean_ms(p, 'weir_config_apply_duration_seconds'), ' ms')} "
            f"| {c['heap_used_bytes'] / MIB:.0f} / {c['VmRSS'] / 1024:.0f} / {c['VmHWM'] / 1024:.0f} MiB "
            f"| {fmt(p.get('heap_used_bytes', 0) / MIB)} / {fmt(p.get('VmRSS', 0) / 1024)} / "
            f"{fmt(p.get('VmHWM', 0) / 1024)} MiB "
            f"| {p.get('weir_upstream_connections_opened_total', 0):.0f} "
            f"({p.get('weir_upstream_connect_errors_total', 0):.0f}) |")

    lines += ["", "## Change → ACK", "",
              "Each change rewrites one routes file (atomic rename) with a new path for one route, then "
              "polls the controller's admin `/snapshot` every 5 ms until `lastPropagation` shows a newer "
              "generation ACKed by every data plane. *write → ACK* is the wall time from the write; "
              "*controller* is the controller's own figure (`weir_controller_propagation_seconds`: "
              "from the build's first change signal, so without the folder watch and YAML parsing).", "",
              "| scenario | changes | write → ACK p50 / p99 / max | controller p50 / p99 / max |",
              "|---|---|---|---|"]
    for s in scenarios:
        c = changes.get(s)
        if c:
            lines.append(f"| {s} | {c['count']} | {c['p50']:,.0f} / {c['p99']:,.0f} / {c['max']:,.0f} ms "
                         f"| {c['ctl_p50']:,.0f} / {c['ctl_p99']:,.0f} / {c['ctl_max']:,.0f} ms |")

    lines += ["", "## Idle client connections (scenario `base`)", "",
              "| kind | open | errors | opened in | proxy's active gauge | data-plane RSS before → after "
              "| per 10,000 | per connection |", "|---|---|---|---|---|---|---|---|"]
    for k in ("tcp", "tls"):
        i = idle[k]
        if i:
            delta = i["rss_after_kib"] - i["rss_before_kib"]
            per = delta / i["open"] if i["open"] else 0
            lines.append(
                f"| {k.upper()} | {i['open']:,} | {i['errors']} | {i['open_seconds']:.1f} s | {i['active']:.0f} "
                f"| {i['rss_before_kib'] / 1024:.0f} → {i['rss_after_kib'] / 1024:.0f} MiB "
                f"| {fmt(idle_delta(k), ' MiB')} | {per:.1f} KiB |")
            if i.get("first_error"):
                lines.append(f"| | first error: `{i['first_error']}` | | | | | | |")
    text = "\n".join(lines) + "\n"
    with open(out, "w") as f:
        f.write(text)
    print(text)
