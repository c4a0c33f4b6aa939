#!/usr/bin/env python3
"""New TLS connections, one request each, with a full handshake every time: the tls-new rows of
bench/compare.sh.

CLIENTS processes each loop for SECONDS: connect, TLS handshake (SNI if given; no session is ever
offered, so none can resume), GET PATH over HTTP/1.0, read to the server's close. wrk is no use
here: it keeps the session across reconnects (SSL_clear), so its "new" connections resume; openssl
s_time -new does not resume but cannot send SNI (tls-new-rsa needs "localhost").

Prints one line: "connections N reused R errors E real_s T cpu_s C p50_ms P p99_ms P p999_ms P
versions V[,V]": R counts connections the client saw resumed (should be 0), E failed ones or
answers without status 200, C the CPU time (user + system) of the client processes, V the
negotiated protocol versions with their counts.
"""
import argparse
import os
import resource
import socket
import ssl
import sys
import time


def worker(host, port, sni, path, seconds, out):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    request = f"GET {path} HTTP/1.0\r\nHost: {sni or host}\r\n\r\n".encode()
    done = reused = errors = 0
    versions = {}
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            with socket.create_connection((host, port)) as raw:
                raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                with ctx.wrap_socket(raw, server_hostname=sni) as conn:
                    conn.sendall(request)
                    answer = bytearray()
                    while chunk := conn.recv(65536):
                        answer += chunk
                    if not answer.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200")):
                        errors += 1
                        continue
                    reused += conn.session_reused
                    versions[conn.version()] = versions.get(conn.version(), 0) + 1
        except (OSError, ssl.SSLError):
            errors += 1
            continue
        latencies.append(time.perf_counter() - start)
        done += 1
    out.write(f"{done} {reused} {errors} {','.join(f'{v}={n}' for v, n in versions.items())}\n")
    out.write(" ".join(f"{x * 1000:.3f}" for x in latencies) + "\n")


def percentile(values, p):
    if not values:
        return -1.0
    i = max(1, -(-len(values) * p // 1))
    return values[int(i) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connect", required=True, help="HOST:PORT")
    parser.add_argument("--sni", default=None, help="server name to send (default: none)")
    parser.add_argument("--path", default="/bench")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    host, port = args.connect.rsplit(":", 1)
    started = time.monotonic()
    readers = []
    for _ in range(args.clients):
        r, w = os.pipe()
        if os.fork() == 0:
            os.close(r)
            with os.fdopen(w, "w") as out:
                worker(host, int(port), args.sni, args.path, args.seconds, out)
            os._exit(0)
        os.close(w)
        readers.append(os.fdopen(r))
    done = reused = errors = 0
    versions = {}
    latencies = []
    for r in readers:
        head, samples = (r.readline().split(), r.readline().split())
        done, reused, errors = done + int(head[0]), reused + int(head[1]), errors + int(head[2])
        for item in (head[3].split(",") if len(head) > 3 else []):
            v, n = item.split("=")
            versions[v] = versions.get(v, 0) + int(n)
        latencies += map(float, samples)
    for _ in readers:
        os.wait()
    real = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    latencies.sort()
    print(f"connections {done} reused {reused} errors {errors} real_s {real:.3f}"
          f" cpu_s {usage.ru_utime + usage.ru_stime:.3f} p50_ms {percentile(latencies, 0.5):.3f}"
          f" p99_ms {percentile(latencies, 0.99):.3f} p999_ms {percentile(latencies, 0.999):.3f}"
          f" versions {','.join(f'{v}={n}' for v, n in sorted(versions.items())) or '-'}")
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
