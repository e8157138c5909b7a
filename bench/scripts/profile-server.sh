#!/bin/bash
# The server's CPU per message at one rate, and optionally where it goes (docs/performance-log.md, items 22-29):
# a michat jar on MariaDB + Redis at 127.0.0.1 (database michat_ab, Redis db 12, both emptied first), a
# warm-up (WARM seconds, 60 by default: the JIT needs that long on 2 cores), then DUR seconds (60) of
# private chat at RATE (5000) with SESSIONS (1000) and PROTOCOL (2); CPU of the server, mariadbd and
# redis-server from /proc, MariaDB's statement counters and Redis's command counts, per message.
# PROFILE=cpu attaches async-profiler 20 s into the run for 30 s (collapsed stacks in OUT/cpu.collapsed:
# one line per stack and its sample count;
# the library comes from Maven Central's tools.profiler:async-profiler).
#   bench/scripts/profile-server.sh MICHAT_JAR BENCH_JAR OUT
set -u
jar=$1 bench=$2 out=$3
rate=${RATE:-5000} port=18182
mkdir -p $out && rm -f $out/*
ap=""
if [ -n "${PROFILE:-}" ]; then
  mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1 > /dev/null
  unzip -o -q -j ~/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1.jar linux-x64/libasyncProfiler.so -d $out
  ap=$out/libasyncProfiler.so
fi
mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS michat_ab"
redis-cli -n 12 flushdb > /dev/null
export MICHAT_BENCH_SEED_SECRET=bench-secret-0123456789-0123456789-xx
PORT=$port MICHAT_LOG_LEVEL=WARN MICHAT_GATEWAY_MESSAGES_PER_SECOND=100000 MICHAT_GATEWAY_MESSAGE_BURST=100000 \
  MICHAT_MYSQL_URL=mysql://root@127.0.0.1:3306/michat_ab MICHAT_REDIS_URL=redis://127.0.0.1:6379/12 \
  MICHAT_TOKEN_SECRET=$(head -c 32 /dev/urandom | base64) MICHAT_DATA_DIR=$(mktemp -d) \
  java -jar "$jar" > $out/server.log 2>&1 &
srv=$!
for _ in $(seq 120); do curl -sf http://127.0.0.1:$port/health > /dev/null && break; sleep 1; done
m=$(pgrep -x mariadbd | head -1)
r=$(pgrep -f "redis-server 127.0.0.1:6379" | head -1)
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
load="--url http://127.0.0.1:$port --sessions ${SESSIONS:-1000} --protocol ${PROTOCOL:-2} --rate $rate --quiet"
java -jar $bench private $load --duration ${WARM:-60} > $out/warmup.txt 2>&1
s0=$(ticks $srv); m0=$(ticks $m); r0=$(ticks $r)
mariadb -uroot -h127.0.0.1 -N -e "SHOW GLOBAL STATUS" > $out/mariadb-before.txt; redis-cli INFO commandstats > $out/redis-before.txt
dur=${DUR:-60}
if [ -n "$ap" ]; then
  # inside the run: from 20 s in for 30 s (shorter runs: from a quarter in, for half of it)
  pstart=$(( dur >= 60 ? 20 : dur / 4 )) plen=$(( dur >= 60 ? 30 : dur / 2 ))
  # jcmd reads '=' as its own option syntax: the agent's options go in quotes of their own
  (sleep $pstart; jcmd $srv JVMTI.agent_load $ap "\"start,event=$PROFILE,interval=1ms\"" > $out/profiler.txt 2>&1
   sleep $plen; jcmd $srv JVMTI.agent_load $ap "\"stop,file=$out/cpu.collapsed,collapsed\"" >> $out/profiler.txt 2>&1) &
  profiler=$!
fi
java -jar $bench private $load --duration $dur > $out/run.txt 2>&1
[ -n "$ap" ] && wait $profiler
s1=$(ticks $srv); m1=$(ticks $m); r1=$(ticks $r)
mariadb -uroot -h127.0.0.1 -N -e "SHOW GLOBAL STATUS" > $out/mariadb-after.txt; redis-cli INFO commandstats > $out/redis-after.txt
kill $srv; wait $srv 2>/dev/null
python3 - $out $((s1-s0)) $((m1-m0)) $((r1-r0)) $(getconf CLK_TCK) <<'PY'
import json, re, sys
out, s, m, r, hz = sys.argv[1], *map(int, sys.argv[2:])
b = json.loads([l for l in open(out + '/run.txt') if l.startswith('{')][-1])
n = b.get('acknowledged') or b['delivered']
print(f"{n} messages, lost {b['lost']}, duplicated {b['duplicated']}, p50 {b['latency_p50_ms']} ms, p99 {b['latency_p99_ms']} ms")
for name, t in (('server', s), ('mariadb', m), ('redis', r)):
    print(f"{name:8s} {t * 1e6 / hz / n:7.1f} us/msg")
print(f"{'total':8s} {(s + m + r) * 1e6 / hz / n:7.1f} us/msg")
def status(f): return {l.split('\t')[0]: l.split('\t')[1].strip() for l in open(f) if '\t' in l}
a, z = status(out + '/mariadb-before.txt'), status(out + '/mariadb-after.txt')
for k in ('Questions', 'Com_begin', 'Com_insert', 'Com_select', 'Com_stmt_execute', 'Handler_write', 'Handler_update', 'Handler_read_key', 'Handler_read_next'):
    print(f"mariadb {k:18s} {(float(z.get(k, 0)) - float(a.get(k, 0))) / n:6.3f} per msg")
def calls(f): return {m.group(1): int(m.group(2)) for m in re.finditer(r'cmdstat_(\w+):calls=(\d+)', open(f).read())}
a, z = calls(out + '/redis-before.txt'), calls(out + '/redis-after.txt')
for k in sorted(z, key=lambda k: a.get(k, 0) - z[k])[:5]:
    if z[k] > a.get(k, 0):
        print(f"redis   {k:18s} {(z[k] - a.get(k, 0)) / n:6.3f} calls per msg")
PY
