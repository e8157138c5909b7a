#!/bin/sh
# Writes secrets.env next to this file with fresh random values (the token secret, MariaDB's and
# Redis's passwords, and the URLs that carry them) and cluster-tls/ (a CA for the cluster and one
# member certificate the pods share, for the event bus's mutual TLS), readable by you only and
# ignored by git. Run it once before `kubectl apply -k k8s/overlays/demo`; existing files are kept,
# so that a new apply does not log everybody out or lock michat out of its database.
set -eu
cd "$(dirname "$0")"
umask 077
if [ ! -e cluster-tls/ca.crt ]; then
  mkdir -p cluster-tls
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj /CN=michat-demo-cluster-ca -keyout cluster-tls/ca.key -out cluster-tls/ca.crt 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=michat-member \
    -keyout cluster-tls/member.key -out cluster-tls/member.csr 2>/dev/null
  openssl x509 -req -in cluster-tls/member.csr -CA cluster-tls/ca.crt -CAkey cluster-tls/ca.key \
    -CAcreateserial -days 365 -out cluster-tls/member.crt 2>/dev/null
  rm -f cluster-tls/member.csr
  echo "wrote $(pwd)/cluster-tls" >&2
fi
if [ -e secrets.env ]; then
  echo "keeping the existing $(pwd)/secrets.env (delete it for new values)" >&2
  exit 0
fi
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
db=$(hex 24)
redis=$(hex 24)
cat > secrets.env.tmp <<END
MICHAT_TOKEN_SECRET=$(hex 32)
MICHAT_MYSQL_URL=mysql://michat:$db@mariadb:3306/michat
MICHAT_REDIS_URL=redis://:$redis@redis:6379/0
MARIADB_PASSWORD=$db
REDIS_PASSWORD=$redis
END
mv secrets.env.tmp secrets.env
echo "wrote $(pwd)/secrets.env" >&2
