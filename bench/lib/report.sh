# shellcheck shell=bash disable=SC2154 # the variables are compare.sh's
# The Markdown report of bench/compare.sh (sourced, not run): write_report FILE from the arrays and
# variables compare.sh filled in; print_report FILE prints its tables aligned for a terminal.

describe() {
  case "$1" in
    h1) echo "HTTP/1.1 keep-alive, cleartext, 1 KiB (wrk -t1 -c$conns)" ;;
    h1-64k) echo "HTTP/1.1 keep-alive, cleartext, 64 KiB responses (wrk -t1 -c$conns)" ;;
    h1-fixed) echo "HTTP/1.1 keep-alive, 1 KiB, at a fixed offered rate of $fixed_rate req/s ($fixed_rate_source; h2load --h1 -c$conns --rps=$((fixed_rate / conns)))" ;;
    h2c) echo "HTTP/2 cleartext, prior knowledge (h2load -t1 -c$h2_conns -m$h2_streams)" ;;
    grpc) echo "gRPC unary over h2c, 17-byte framed request and response, trailers (h2load -t1 -c$h2_conns -m$h2_streams, POST)" ;;
    h1-tls) echo "HTTPS keep-alive, HTTP/1.1 (wrk -t1 -c$conns)" ;;
    h2-tls) echo "HTTP/2 over TLS, ALPN h2 (h2load -t1 -c$h2_conns -m$h2_streams)" ;;
    tls-new) echo "HTTPS, a new TLS connection (full handshake, ECDSA P-256, never resumed) per request ($tls_clients x bench/lib/tls-handshakes.py, HTTP/1.0)" ;;
    tls-new-rsa) echo "HTTPS, a new TLS connection (full handshake, RSA-2048, SNI localhost, never resumed) per request ($tls_clients x bench/lib/tls-handshakes.py, HTTP/1.0)" ;;
    tls-resume) echo "HTTPS, a new TLS connection per request that resumes a saved session ($tls_clients x openssl s_time -reuse, HTTP/1.0)" ;;
  esac
  if [[ "$1" == *tls* ]]; then tls_versions "$1"; fi
}
tls_versions() { # protocol: "; negotiated TLSv1.3 (all)" or each target's version
  local t v=() u
  for t in "${targets[@]}"; do v+=("${tls_version[$t,$1]:-?}"); done
  u="$(printf '%s\n' "${v[@]}" | sort -u)"
  if [ "$(wc -l <<<"$u")" -eq 1 ]; then echo "; negotiated $u (every target)"; return; fi
  for t in "${!v[@]}"; do printf '%s %s %s' "$([ "$t" -eq 0 ] && echo "; negotiated" || echo ",")" "${targets[$t]}" "${v[$t]}"; done; echo
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else printf "-"}'; }
# The median of a list; "-" if it holds no number.
median() { tr ' ' '\n' <<<"$1" | { grep -E '^[0-9.]+$' || true; } | sort -g | awk '{v[NR] = $1}
  END {if (!NR) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
spread() { tr ' ' '\n' <<<"$1" | awk NF | sort -g | awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
  printf "%.0f%%", (m > 0) ? 100 * (v[NR] - v[1]) / m : 0}'; }
fmt() { awk -v v="$1" -v f="$2" 'BEGIN {if (v == "-" || v == "") print "-"; else printf f "\n", v}'; }
med() { if [[ -v $1 ]]; then median "${!1}"; else echo -; fi; } # name of an array element, e.g. 'rps[weir,h1]'
check() { # description, value, comparison (<= or >=), limit: one line of the targets table
  local verdict
  verdict="$(awk -v v="$2" -v op="$3" -v l="$4" 'BEGIN {if (v == "-" || v == "") print "not measured";
    else if ((op == "<=" && v <= l) || (op == ">=" && v >= l)) print "met"; else print "**missed**"}')"
  echo "| $1 | $2 | $3 $4 | $verdict |"
}

write_report() {
  local p t q d n np nc c
  {
    echo "# Weir beside nginx, HAProxy and a direct connection"
    echo
    echo "Written by \`bench/compare.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit."
    echo
    echo "- Machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r)."
    echo "- Other processes used $others_pct% of the machine's CPU time during the run; hypervisor steal took $steal_pct%." \
      "Load average (1, 5, 15 min) at start: $load_start; at end: $load_end (this run itself adds about 2)."
    if awk -v o="$others_pct" -v s="$steal_pct" 'BEGIN {exit !(o + s > 5)}'; then
      echo "- **Noisy run**: other work took more than 5% of the CPUs, so absolute req/s and p99 are low and spread;" \
        "CPU-µs/req and the ratios within a round hold up better. Rerun on a quiet machine before quoting figures."
    fi
    echo "- Versions: Weir $commit on $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1 | tr -d '"');" \
      "$(nginx -v 2>&1 | sed 's/^nginx version: //'); HAProxy $(haproxy -v | sed -n 's/^HA-\{0,1\}Proxy version \([^ ]*\).*/\1/p');" \
      "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); $(h2load --version | head -n 1); $(openssl version | cut -d' ' -f1-2)."
    echo "- Each proxy: one worker/thread (Weir \`--io-threads 1\`, nginx \`worker_processes 1\`, HAProxy \`nbthread 1\`)," \
      "pinned to CPU 0; the load generator and the backend (nginx, fixed bodies from memory or the page cache) on CPU 1." \
      "Proxies forward over HTTP/1.1 keep-alive (gRPC: HTTP/2). \"direct\" is the client on the backend itself (its h2c and TLS listeners for those rows)."
    echo "- Medians of $repeat interleaved runs of ${duration} s, after a ${warmup} s warm-up per target; before that, Weir ran each protocol" \
      "until its JIT settled (a 5 s step compiling under 20 methods, at most ${jit_warmup} s):$(for p in "${selected[@]}"; do printf ' %s %s s,' "$p" "${jit_s[$p]:-0}"; done | sed 's/,$/./')" \
      "p50/p99 are wrk's \`--latency\` figures, or computed from h2load's per-request log (which also gives p99.9). Whole run: ${elapsed} s."
    echo "- CPU-µs/req: the CPU time (user + system, every thread and child process) the proxy spent per" \
      "completed request; for \"direct\", the backend's. It is the figure least moved by other work on the machine." \
      "Spread: (max − min) ÷ median of the runs' req/s; above ~10% the row is noisy."
    echo "- Backend conns/1k: connections the backend accepted (nginx stub_status) per 1,000 requests during the runs:" \
      "for a proxy, the upstream connections it opened (0 = every request reused a pooled connection); for \"direct\", the client's."
    echo
    echo "## Summary: Weir's ratios (medians)"
    echo
    echo "| protocol | req/s ÷ nginx | req/s ÷ HAProxy | req/s ÷ direct | CPU-µs/req ÷ nginx | CPU-µs/req ÷ HAProxy | p99 ÷ nginx | p99 ÷ HAProxy |"
    echo "|---|--:|--:|--:|--:|--:|--:|--:|"
    for p in "${selected[@]}"; do
      echo "| $p | $(ratio "$(med "rps[weir,$p]")" "$(med "rps[nginx,$p]")") | $(ratio "$(med "rps[weir,$p]")" "$(med "rps[haproxy,$p]")")" \
        "| $(ratio "$(med "rps[weir,$p]")" "$(med "rps[direct,$p]")") | $(ratio "$(med "cpu[weir,$p]")" "$(med "cpu[nginx,$p]")")" \
        "| $(ratio "$(med "cpu[weir,$p]")" "$(med "cpu[haproxy,$p]")") | $(ratio "$(med "p99[weir,$p]")" "$(med "p99[nginx,$p]")")" \
        "| $(ratio "$(med "p99[weir,$p]")" "$(med "p99[haproxy,$p]")") |"
    done
    echo
    echo "## Issue 7 targets (Weir, this run)"
    echo
    echo "| target | value | goal | verdict |"
    echo "|---|--:|--:|---|"
    check "h1 req/s ÷ nginx" "$(ratio "$(med "rps[weir,h1]")" "$(med "rps[nginx,h1]")")" ">=" 1.0
    check "h1 req/s ÷ HAProxy" "$(ratio "$(med "rps[weir,h1]")" "$(med "rps[haproxy,h1]")")" ">=" 0.8
    check "h1 at a fixed rate: CPU-µs/req ÷ nginx" "$(ratio "$(med "cpu[weir,h1-fixed]")" "$(med "cpu[nginx,h1-fixed]")")" "<=" 1.0
    check "h1 at a fixed rate: p99 ÷ nginx" "$(ratio "$(med "p99[weir,h1-fixed]")" "$(med "p99[nginx,h1-fixed]")")" "<=" 1.2
    check "h1 at a fixed rate: p99.9 ÷ own p99" "$(ratio "$(med "p999[weir,h1-fixed]")" "$(med "p99[weir,h1-fixed]")")" "<=" 2.0
    for p in h2c h2-tls grpc; do check "$p req/s ÷ nginx" "$(ratio "$(med "rps[weir,$p]")" "$(med "rps[nginx,$p]")")" ">=" 1.0; done
    for p in tls-new tls-new-rsa tls-resume; do check "$p handshakes/s ÷ nginx" "$(ratio "$(med "rps[weir,$p]")" "$(med "rps[nginx,$p]")")" ">=" 0.9; done
    for p in h1 h1-64k h2c grpc; do check "$p upstream connection reuse (%)" "$(awk -v c="$(med "upconns[weir,$p]")" 'BEGIN {if (c == "-") print "-"; else printf "%.2f", 100 - c / 10}')" ">=" 99.9; done
    check "idle RSS after start (MiB)" "${idle_rss[weir]:--}" "<=" 128
    for p in "${selected[@]}"; do
      echo
      echo "## $p: $(describe "$p")"
      echo
      echo "| target | req/s | p50 (ms) | p99 (ms) | p99.9 (ms) | CPU-µs/req | req/s ÷ direct | req/s ÷ nginx | p99 ÷ nginx | CPU ÷ nginx | backend conns/1k | errors | spread | runs (req/s) |"
      echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
      d="$(med "rps[direct,$p]")" n="$(med "rps[nginx,$p]")" np="$(med "p99[nginx,$p]")" nc="$(med "cpu[nginx,$p]")"
      for t in "${targets[@]}"; do
        q="$(med "rps[$t,$p]")" c="$(med "cpu[$t,$p]")" l="$(med "p99[$t,$p]")"
        echo "| $t | $(fmt "$q" %.0f) | $(fmt "$(med "p50[$t,$p]")" %.2f) | $(fmt "$l" %.2f) | $(fmt "$(med "p999[$t,$p]")" %.2f)" \
          "| $(fmt "$c" %.1f) | $(ratio "$q" "$d") | $(ratio "$q" "$n") | $(ratio "$l" "$np") | $(ratio "$c" "$nc")" \
          "| $(fmt "$(med "upconns[$t,$p]")" %.2f) | ${errs[$t,$p]} | $(spread "${rps[$t,$p]}") | ${runs[$t,$p]% } |"
      done
      echo
      echo "Weir ÷ HAProxy: req/s $(ratio "$(med "rps[weir,$p]")" "$(med "rps[haproxy,$p]")")," \
        "p99 $(ratio "$(med "p99[weir,$p]")" "$(med "p99[haproxy,$p]")")," \
        "CPU-µs/req $(ratio "$(med "cpu[weir,$p]")" "$(med "cpu[haproxy,$p]")")." \
        "p99.9 ÷ own p99: Weir $(ratio "$(med "p999[weir,$p]")" "$(med "p99[weir,$p]")"), nginx $(ratio "$(med "p999[nginx,$p]")" "$(med "p99[nginx,$p]")")."
      echo
      echo "CPU 1 (load generator + backend, % of one CPU, medians):$(for t in "${targets[@]}"; do
        printf ' %s %s%% + %s%%,' "$t" "$(med "lgcpu[$t,$p]")" "$(med "becpu[$t,$p]")"; done | sed 's/,$//')." \
        "Near 100 together, the client side rather than the target set the pace."
    done
    echo
    echo "## Resident memory (MiB): idle after start (VmRSS 10 s after ready, config loaded, before any load), and peak (VmHWM at the end)"
    echo
    echo "| | Weir data plane | nginx (master + worker) | HAProxy | backend |"
    echo "|---|--:|--:|--:|--:|"
    echo "| idle | ${idle_rss[weir]} | ${idle_rss[nginx]} | ${idle_rss[haproxy]} | ${idle_rss[direct]} |"
    echo "| peak | ${rss[weir]} | ${rss[nginx]} | ${rss[haproxy]} | ${rss[direct]} |"
  } >"$1"
}

print_report() { # the report's tables, aligned for a terminal
  awk -F'|' '
    /^## / {print ""; print substr($0, 4); next}
    /^\|[-:|]+$/ {next}
    /^\| / {line = "  "; for (i = 2; i < NF; i++) {f = $i; gsub(/^ +| +$/, "", f); line = line sprintf(i == 2 ? "%-24s" : " %9s", f)}
      print line; next}
    /^Weir ÷ HAProxy/ || /^CPU 1 / {print "  " $0}
    /^- Other processes/ {print substr($0, 3)}
  ' "$1"
}
