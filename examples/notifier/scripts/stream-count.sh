#!/bin/bash
# Does the stream of stored messages bring every message of a bench run, once? (docs/event-bus.md)
# One michat JVM and the notifier, clustered on 127.0.0.1 over mutual TLS, on MariaDB + Redis; the
# bench's private scenario; then the messages the notifier logged are counted against what michat
# stored. Run from the repository root after `mvn -B -q -DskipTests package`:
#   examples/notifier/scripts/stream-count.sh [SESSIONS] [RATE] [DURATION]   (defaults 200 500 20)
# Prints one JSON line; exits non-zero when a message was missing or logged twice.
set -u
SESSIONS=${1:-200} RATE=${2:-500} DURATION=${3:-20} PORT=18191
. "$(dirname "$0")/../../../bench/scripts/cluster-env.sh" michat_svc_stream 12 michat-svc-stream 6151
redis-cli -n 12 flushdb >/dev/null
mariadb -h127.0.0.1 -uroot -e 'DROP DATABASE IF EXISTS michat_svc_stream'
PORT=$PORT MICHAT_DATA_DIR=$(mktemp -d) MICHAT_SERVICE_ACCOUNTS=notifier java -jar webapp/target/mi-chat.jar \
  > $work/michat.log 2>&1 &
michat=$!
for _ in $(seq 90); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && break; sleep 1; done
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
curl -sf http://127.0.0.1:$PORT/user/createUser -d "name=notifier&password=$password&Identity=$password" >/dev/null
MICHAT_LOG_LEVEL=INFO NOTIFIER_ACCOUNT=notifier NOTIFIER_PASSWORD=$password \
  java -jar examples/notifier/target/notifier.jar > $work/notifier.log 2>&1 &
notifier=$!
for _ in $(seq 90); do grep -q "notifier started" $work/notifier.log && break; sleep 1; done
java -jar bench/target/michat-bench.jar private --url http://127.0.0.1:$PORT --sessions "$SESSIONS" --rate "$RATE" \
  --duration "$DURATION" 2>/dev/null | tail -1
sleep 20   # past the catch-up's commit lag (10 s) and its next poll
stored=$(mariadb -h127.0.0.1 -uroot -N -e 'SELECT COUNT(*) FROM michat_svc_stream.messages')
logged=$(grep -oE ' stored [pg]:[0-9:]+#[0-9]+ ' $work/notifier.log | wc -l)
distinct=$(grep -oE ' stored [pg]:[0-9:]+#[0-9]+ ' $work/notifier.log | sort -u | wc -l)
kill $notifier $michat
wait $notifier $michat 2>/dev/null
echo "{\"stored\":$stored,\"logged\":$logged,\"distinct\":$distinct,\"logs\":\"$work\"}"
[ "$stored" -gt 0 ] && [ "$stored" = "$logged" ] && [ "$logged" = "$distinct" ]
