# Sourced by the two-node A/B scripts: a throwaway CA and member certificate (made as docs/deploy.md,
# "Cluster credentials", shows) and the environment both JVMs share.
#   . bench/scripts/cluster-env.sh DATABASE REDIS_DB CLUSTER_NAME CLUSTER_PORT   (sets $work)
work=$(mktemp -d)
export MICHAT_BENCH_SEED_SECRET=$(head -c 32 /dev/urandom | base64)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=bench-ca \
  -keyout $work/ca.key -out $work/ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=bench-member \
  -keyout $work/member.key -out $work/member.csr 2>/dev/null
openssl x509 -req -in $work/member.csr -CA $work/ca.crt -CAkey $work/ca.key -CAcreateserial -days 30 \
  -out $work/member.crt 2>/dev/null
export MICHAT_MYSQL_URL=mysql://root@127.0.0.1:3306/$1 MICHAT_REDIS_URL=redis://127.0.0.1:6379/$2
export MICHAT_TOKEN_SECRET=$(head -c 32 /dev/urandom | base64) MICHAT_CLUSTER=true MICHAT_CLUSTER_NAME=$3
export MICHAT_CLUSTER_PORT=$4 MICHAT_LOG_LEVEL=WARN MICHAT_HTTP_HOST=127.0.0.1
export MICHAT_GATEWAY_MESSAGES_PER_SECOND=100000 MICHAT_GATEWAY_MESSAGE_BURST=100000
export MICHAT_HTTP_MAX_CONNECTIONS_PER_IP=0 MICHAT_GATEWAY_MAX_CONNECTIONS_PER_IP=0
export MICHAT_CLUSTER_TLS_CERT_FILE=$work/member.crt MICHAT_CLUSTER_TLS_KEY_FILE=$work/member.key
export MICHAT_CLUSTER_TLS_TRUST_FILE=$work/ca.crt
