#!/bin/bash
# One side of the storage A/Bs of docs/benchmarks.md ("First A/B", "Second A/B"): a michat jar on MariaDB + Redis at
# 127.0.0.1 (database michat_ab, Redis db 12, both emptied first), a warm-up at 5,000 msg/s (WARMUP
# seconds, 20 by default; 60 lets the JIT finish on 2 cores), then 60 s of private chat at each rate
# (RATES) after the bench's own warm-up (RUN_WARMUP, 20 s; 0 as in the first A/B); CPU of the server,
# mariadbd and redis-server from /proc over each measured 60 s.
#   bench/scripts/storage-ab.sh NAME MICHAT_JAR BENCH_JAR     e.g. before /tmp/a/webapp/target/mi-chat.jar bench/target/michat-bench.jar
# SESSIONS (1000) and PROTOCOL (2) choose the load: the issue's own setup is SESSIONS=200 PROTOCOL=1.
# STORE=h2: the embedded default instead (a fresh data directory; MariaDB's and Redis's CPU then
# count nothing of michat's). Other MICHAT_* settings in the environment reach the server (e.g.
# MICHAT_ROUTER_STORE_CONCURRENCY).
# Writes NAME's bench outputs and one JSON line per rate (results.jsonl) to /tmp/storage-ab-NAME.
set -u
name=$1 jar=$2 bench=$3
port=18182
out=/tmp/storage-ab-$name
mkdir -p $out
mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS michat_ab"
redis-cli -n 12 flushdb > /dev/null
export MICHAT_BENCH_SEED_SECRET=bench-secret-0123456789-0123456789-xx
if [ "${STORE:-mariadb}" = mariadb ]; then
  export MICHAT_MYSQL_URL=mysql://root@127.0.0.1:3306/michat_ab MICHAT_REDIS_URL=redis://127.0.0.1:6379/12
fi
PORT=$port MICHAT_LOG_LEVEL=WARN MICHAT_GATEWAY_MESSAGES_PER_SECOND=100000 MICHAT_GATEWAY_MESSAGE_BURST=100000 \
  MICHAT_TOKEN_SECRET=$(head -c 32 /dev/urandom | base64) MICHAT_DATA_DIR=$(mktemp -d) \
  java -jar "$jar" > $out/server.log 2>&1 &
srv=$!
for _ in $(seq 120); do curl -sf http://127.0.0.1:$port/health > /dev/null && break; sleep 1; done
B="java -jar $bench"
m=$(pgrep -x mariadbd | head -1)
r=$(pgrep -f "redis-server 127.0.0.1:6379" | head -1)
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
load="--sessions ${SESSIONS:-1000} --protocol ${PROTOCOL:-2}"
$B private --url http://127.0.0.1:$port $load --rate 5000 --duration ${WARMUP:-20} --quiet > $out/warmup.txt 2>&1
for rate in ${RATES:-5000 8000 10000}; do
  # --warmup: the bench JVM warms up too (its own users, not counted), or its JIT lands in the p99;
  # CPU is counted from the end of that warm-up (the line it prints) to the end of the run
  $B private --url http://127.0.0.1:$port $load --rate $rate --duration 60 --warmup ${RUN_WARMUP:-20} --quiet \
    > $out/run-$rate.txt 2>&1 &
  bpid=$!
  if [ "${RUN_WARMUP:-20}" -gt 0 ]; then
    until grep -q '^bench: warm-up' $out/run-$rate.txt || ! kill -0 $bpid 2>/dev/null; do sleep 0.2; done
  fi
  s0=$(ticks $srv); m0=$(ticks $m); r0=$(ticks $r)
  wait $bpid
  s1=$(ticks $srv); m1=$(ticks $m); r1=$(ticks $r)
  json=$(grep '^{' $out/run-$rate.txt | tail -1)
  echo "{\"build\":\"$name\",\"rate\":$rate,\"server_ticks\":$((s1-s0)),\"mariadb_ticks\":$((m1-m0)),\"redis_ticks\":$((r1-r0)),\"ticks_per_s\":$(getconf CLK_TCK),\"bench\":$json}" >> $out/results.jsonl
done
kill $srv; wait $srv 2>/dev/null
mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS michat_ab"
