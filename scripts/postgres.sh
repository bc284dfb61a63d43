#!/usr/bin/env bash
# Start a local PostgreSQL for the test suite and print its DATABASE_URL.
# Debian's postgresql package, run as root (CI and the developer machines): a cluster is
# created by the package; this starts it and makes a superuser role "kepu" that may create
# the test databases.
set -euo pipefail
if ! command -v pg_lsclusters >/dev/null; then
  echo "PostgreSQL is not installed: apt-get install postgresql" >&2
  exit 1
fi
read -r version cluster _ < <(pg_lsclusters --no-header | head -n 1)
pg_ctlcluster "$version" "$cluster" start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q" && break
  sleep 1
done
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kepu') THEN
    CREATE ROLE kepu LOGIN SUPERUSER PASSWORD 'kepu';
  END IF;
END $$;
SQL
su postgres -c "psql -q -tc \"SELECT 1 FROM pg_database WHERE datname = 'kepu'\"" | grep -q 1 \
  || su postgres -c "createdb -O kepu kepu"
echo "postgres://kepu:kepu@127.0.0.1:5432/kepu"
