#!/bin/sh
# Writes secrets.env next to this file with fresh random values (the token secret, MariaDB's and
# Redis's passwords, and the URLs that carry them), readable by you only and ignored by git. Run it
# once before `kubectl apply -k k8s/overlays/demo`; an existing secrets.env is kept, so that a new
# apply does not log everybody out or lock michat out of its database.
set -eu
cd "$(dirname "$0")"
if [ -e secrets.env ]; then
  echo "keeping the existing $(pwd)/secrets.env (delete it for new values)" >&2
  exit 0
fi
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
umask 077
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
