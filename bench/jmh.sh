#!/usr/bin/env bash
# JMH microbenchmarks of the hot paths (bench/jmh): route matching, header processing, the
# load-balancer pick and snapshot apply. Builds bench/jmh/target/benchmarks.jar (skipping tests),
# then runs it with the JDK and JVM flags the programs use (./weir java-home, ./weir jvm-flags).
#   bench/jmh.sh [--no-build] [JMH ARGS]    e.g. bench/jmh.sh RouteMatch -p routes=10000 -prof gc
#     --no-build   use bench/jmh/target/benchmarks.jar as it is
# With no JMH arguments, every benchmark runs with its own settings (about 5 minutes); `-h` lists
# JMH's options, `-l` the benchmarks. Nothing here runs during `./weir test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${1:-}" = --no-build ]; then
  shift
else
  "$root/weir" mvn -B -q -pl bench/jmh -am package -DskipTests -Dspotless.check.skip=true
fi
JAVA_HOME="$("$root/weir" java-home)"
exec "$JAVA_HOME/bin/java" -jar "$root/bench/jmh/target/benchmarks.jar" \
  -jvmArgsAppend "$("$root/weir" jvm-flags) -Dlogback.configurationFile=logback-bench.xml" "$@"
