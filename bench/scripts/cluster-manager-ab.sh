#!/bin/bash
# Hazelcast against Infinispan as michat's cluster manager (docs/deploy.md, "Choosing the cluster
# manager"), on one jar: two JVMs — a back end (user,presence,router) and a front (web,gateway) — on
# MariaDB + Redis at 127.0.0.1, as cluster-tls-ab.sh. For each manager given, in order:
#   start-up: ms from launch to /health answering, of the first member and of the one joining it;
#   idle: RSS and heap used after a full GC of each JVM, 10 s after both are up;
#   private 3,000 msg/s for 30 s and group fan-out 2 x 1,000 at 100 msg/s (warm-ups first);
#   failure detection: a third member (ClusterWatch) polls the member list; the back end is kill -9'd;
#   ms until the watcher's list drops it.
#   bench/scripts/cluster-manager-ab.sh hazelcast infinispan infinispan hazelcast
# Results in ./cluster-manager-results.txt. Needs webapp/target/mi-chat.jar and webapp/target/test-classes
# (mvn -B -pl webapp -am verify -DskipITs) and bench/target/michat-bench.jar.
set -u
JAR=${MICHAT_JAR:-webapp/target/mi-chat.jar}
WATCH_CP=$JAR:webapp/target/test-classes
BENCH=${BENCH_JAR:-bench/target/michat-bench.jar}
OUT=$PWD/cluster-manager-results.txt
. "$(dirname "$0")/cluster-env.sh" michat_bench_cm 13 michat-bench-cm 5961
B="java -jar $BENCH"
ms() { date +%s%3N; }
await() { for _ in $(seq 900); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return; sleep 0.1; done; }
idle() {  # idle PID: RSS and heap used after a full GC, in MB
  jcmd $1 GC.run >/dev/null
  heap=$(jcmd $1 GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9)
  rss=$(awk '/VmRSS/ {print $2}' /proc/$1/status)
  echo "rss $((rss / 1024)) MB heap $((heap / 1024)) MB"
}
for manager in "$@"; do
  export MICHAT_CLUSTER_MANAGER=$manager
  redis-cli -n 13 flushdb >/dev/null
  mariadb -h127.0.0.1 -uroot -e 'DROP DATABASE IF EXISTS michat_bench_cm'
  t0=$(ms)
  PORT=18192 MICHAT_DATA_DIR=$(mktemp -d) java -jar "$JAR" --roles user,presence,router > $work/back.log 2>&1 &
  back=$!; await 18192; t1=$(ms)
  PORT=18193 MICHAT_DATA_DIR=$(mktemp -d) java -jar "$JAR" --roles web,gateway > $work/front.log 2>&1 &
  front=$!; await 18193; t2=$(ms)
  sleep 10
  echo "$manager start-up first $((t1 - t0)) ms, joining $((t2 - t1)) ms; idle back $(idle $back), front $(idle $front)" >> "$OUT"
  $B private --url http://127.0.0.1:18193 --sessions 1000 --rate 2000 --duration 15 >/dev/null 2>&1
  $B private --url http://127.0.0.1:18193 --sessions 1000 --rate 3000 --duration 30 --warmup 15 2>/dev/null \
    | tail -1 | sed "s|^|$manager private |" >> "$OUT"
  $B group --url http://127.0.0.1:18193 --groups 2 --group-size 1000 --rate 20 --duration 10 >/dev/null 2>&1
  $B group --url http://127.0.0.1:18193 --groups 2 --group-size 1000 --rate 100 --duration 30 2>/dev/null \
    | tail -1 | sed "s|^|$manager group |" >> "$OUT"
  java -cp "$WATCH_CP" michat.web.ClusterWatch 300 > $work/watch.log 2> $work/watch.err &
  watch=$!
  for _ in $(seq 1200); do grep -q '^members 3 ' $work/watch.log && break; sleep 0.1; done
  sleep 3
  killed=$(ms); kill -9 $back
  noticed=
  for _ in $(seq 600); do
    noticed=$(awk -v k=$killed '/^members 2 / && $4 >= k {print $4; exit}' $work/watch.log)
    [ -n "$noticed" ] && break; sleep 0.1
  done
  echo "$manager failure detection $((${noticed:-0} - killed)) ms (a kill -9'd member out of the watcher's list)" >> "$OUT"
  kill $watch $front; wait $front $watch $back 2>/dev/null
done
