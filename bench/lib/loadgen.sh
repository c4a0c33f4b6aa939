# shellcheck shell=bash disable=SC2154 # the variables are compare.sh's
# Load generators for bench/compare.sh (sourced, not run): each run_* runs one measurement on CPU 1
# and sets stats="REQ_PER_S P50_MS P99_MS P99_9_MS ERRORS REQUESTS" ("-" for a figure the tool
# does not give). Errors: non-2xx responses, socket errors, failed streams, connections that did
# not resume (tls-resume) or that did (tls-new); requests: how many completed. Each also sets
# loadgen_cpu_s, the CPU time (user + system) the load generator used, to tell whether it, rather
# than the target, was the limit. Uses $work, $loadgen and die() from compare.sh.

to_ms() { # a wrk latency (850.00us, 1.23ms, 1.01s, 1.5m) -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    printf "%.3f", (u == "us") ? n / 1000 : (u == "ms") ? n : (u == "s") ? n * 1000 : (u == "m") ? n * 60000 : -1 }'
}

reaped_cpu_s() { # bash's `times` output (file) -> user + system seconds of the reaped children
  sed -n 2p "$1" | awk '{for (i = 1; i <= 2; i++) {split($i, t, /[ms]/); s += t[1] * 60 + t[2]}} END {printf "%.3f", s}'
}

run_load() { # where to keep the output, then the command: runs it on CPU 1 and waits for it. In the
  # background, so that Ctrl-C runs the INT trap at once (bash lets a foreground child that survives
  # SIGINT, as wrk does, swallow it); cleanup() stops it. Its CPU time comes from bash's `times`
  # (reaped children), run in this shell: in a $(...) subshell it would count the subshell's.
  local out="$1" before; shift
  times >"$work/times.txt"
  before="$(reaped_cpu_s "$work/times.txt")"
  taskset -c 1 "$@" >"$out" 2>&1 &
  loadgen=$!
  wait "$loadgen" || die "the load generator failed: $* (output in $out)"
  loadgen=""
  times >"$work/times.txt"
  # shellcheck disable=SC2034 # read by compare.sh's measure()
  loadgen_cpu_s="$(awk -v a="$before" -v b="$(reaped_cpu_s "$work/times.txt")" 'BEGIN {printf "%.3f", b - a}')"
}

run_wrk() { # url, seconds, where to keep the output, then any more wrk options
  run_load "$3" wrk -t1 -c"$conns" -d"$2s" --latency "${@:4}" "$1"
  stats="$(awk '/^Requests\/sec/ {print $2}' "$3")"
  stats+=" $(to_ms "$(awk '$1 == "50%" {print $2}' "$3")") $(to_ms "$(awk '$1 == "99%" {print $2}' "$3")") -"
  stats+=" $(awk '/Non-2xx/ {e += $NF} /Socket errors/ {gsub(/,/, ""); e += $4 + $6 + $8 + $10} END {print e + 0}' "$3")"
  stats+=" $(awk '/ requests in / {print $1}' "$3")"
}

log_percentiles() { # h2load --log-file (tab-separated: start µs since epoch, status, elapsed µs) -> "P50 P99 P99.9" in ms
  awk -F'\t' '{print $3}' "$1" | sort -n | awk '{v[NR] = $1}
    function q(p,  i) {i = int(NR * p); if (i < NR * p) i++; if (i < 1) i = 1; return NR ? v[i] / 1000 : -1}
    END {printf "%.3f %.3f %.3f", q(0.5), q(0.99), q(0.999)}'
}

run_h2load() { # url, seconds, where to keep the output, then any more h2load options (default: -c$h2_conns -m$h2_streams)
  local log="$work/h2load.log" opts=("${@:4}")
  rm -f "$log"
  [ ${#opts[@]} -gt 0 ] || opts=(-c"$h2_conns" -m"$h2_streams")
  run_load "$3" h2load -t1 "${opts[@]}" -D"$2" --log-file="$log" "$1"
  stats="$(sed -n 's/^finished in [0-9.]*[a-z]*, \([0-9.]*\) req\/s.*/\1/p' "$3")"
  read -r l50 l99 l999 <<<"$(log_percentiles "$log")"
  stats+=" $l50 $l99 $l999"
  stats+=" $(awk '/^requests:/ {e += $6 - $8 + $14} END {print e + 0}' "$3")" # done - succeeded (non-2xx, errored), timeouts
  stats+=" $(awk '/^requests:/ {print $6}' "$3")"
}

run_grpc() { # url, seconds, where to keep the output: gRPC unary calls (POST of a framed message), h2load as for h2c
  run_h2load "$1" "$2" "$3" -c"$h2_conns" -m"$h2_streams" -d "$work/grpc-request.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers'
}

run_paced() { # url, seconds, where to keep the output, total offered req/s: HTTP/1.1 keep-alive at a
  # fixed rate (h2load --h1 --rps per connection; $conns connections, one request in flight each)
  run_h2load "$1" "$2" "$3" --h1 -c"$conns" --rps="$(($4 / conns))"
}

run_new_tls() { # host:port, seconds, where to keep the output, then the SNI to send (none if empty):
  # $tls_clients processes of bench/lib/tls-handshakes.py, each making new TLS connections one after
  # another, never offering a session: every connection is a full handshake. One the client saw
  # resumed counts as an error.
  run_load "$3" python3 "$root/bench/lib/tls-handshakes.py" --connect "$1" --clients "$tls_clients" --seconds "$2" \
    ${4:+--sni "$4"}
  stats="$(awk '$1 == "connections" {printf "%.2f %s %s %s %d %d", $2 / $8, $12, $14, $16, $4 + $6, $2}' "$3")"
}

run_resume() { # host:port, seconds, where to keep the output: $tls_clients `openssl s_time -reuse`
  # in parallel, each fetching $path over a new TLS connection that resumes the session of its first
  # one (s_time prints "r" for each resumed connection).
  local start end
  start="$(date +%s%N)"
  # shellcheck disable=SC2016 # expanded by the inner bash
  run_load "$3" bash -c 'for i in $(seq 1 "$1"); do
      openssl s_time -connect "$2" -reuse -www /bench -time "$3" >"$4.$i" 2>&1 &
    done
    wait' resume "$tls_clients" "$1" "$2" "$3"
  end="$(date +%s%N)"
  cat "$3".[0-9]* >>"$3"
  # s_time counts the connections after each client's first (a full handshake); one of those that
  # did not resume ("*" instead of "r") is an error.
  stats="$(awk -v ns="$((end - start))" '
    /connections in [0-9.]+ real seconds/ {n += $1}
    /^[r*.!]+$/ {r += gsub(/r/, "r")}
    END {printf "%.2f - - - %d %d", n * 1e9 / ns, n - r, n}' "$3")"
}
