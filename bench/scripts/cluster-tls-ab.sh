#!/bin/bash
# What mutual TLS on the event bus costs (docs/benchmarks.md): two JVMs — a back end
# (user,presence,router) and a front (web,gateway) — on MariaDB + Redis at 127.0.0.1, the bench against
# the front only, so every private message crosses the event bus twice. For each jar given, in order:
# a warm-up, private 3,000 msg/s for 30 s, a group warm-up, group fan-out 2 x 1,000 at 100 msg/s.
#   bench/scripts/cluster-tls-ab.sh OLD.jar NEW.jar [NEW.jar OLD.jar]   (results in ./cluster-ab-results.txt)
# A jar from before the event bus had TLS ignores the MICHAT_CLUSTER_TLS_* settings.
set -u
BENCH=${BENCH_JAR:-bench/target/michat-bench.jar}
OUT=$PWD/cluster-ab-results.txt
. "$(dirname "$0")/cluster-env.sh" michat_bench_tls 12 michat-bench-tls 5951
B="java -jar $BENCH"
await() { for _ in $(seq 90); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return; sleep 1; done; }
for jar in "$@"; do
  redis-cli -n 12 flushdb >/dev/null
  mariadb -h127.0.0.1 -uroot -e 'DROP DATABASE IF EXISTS michat_bench_tls'
  PORT=18182 MICHAT_DATA_DIR=$(mktemp -d) java -jar "$jar" --roles user,presence,router > $work/back.log 2>&1 &
  back=$!; await 18182
  PORT=18183 MICHAT_DATA_DIR=$(mktemp -d) java -jar "$jar" --roles web,gateway > $work/front.log 2>&1 &
  front=$!; await 18183; sleep 5
  $B private --url http://127.0.0.1:18183 --sessions 1000 --rate 2000 --duration 15 >/dev/null 2>&1
  $B private --url http://127.0.0.1:18183 --sessions 1000 --rate 3000 --duration 30 --warmup 15 2>/dev/null \
    | tail -1 | sed "s|^|$jar private |" >> "$OUT"
  $B group --url http://127.0.0.1:18183 --groups 2 --group-size 1000 --rate 20 --duration 10 >/dev/null 2>&1
  $B group --url http://127.0.0.1:18183 --groups 2 --group-size 1000 --rate 100 --duration 30 2>/dev/null \
    | tail -1 | sed "s|^|$jar group |" >> "$OUT"
  kill $front $back; wait $front $back 2>/dev/null
done
