#!/usr/bin/env bash
# Run the whole test suite. Extra arguments go to pytest, e.g. scripts/test.sh -k search
source "$(dirname "$0")/setup.sh"
# The checkers the public-site tests run (axe-core, the Nu HTML Checker, linkinator): package.json.
lock=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$lock" 2>/dev/null)" != "$want" ]; then
  echo "==> 安装检查工具 package-lock.json（npm ci）"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$lock"
fi
.venv/bin/ruff check .
.venv/bin/python manage.py makemigrations --check --dry-run --settings=cms.settings.test >/dev/null \
  || { echo "模型有改动但缺少迁移：请运行 manage.py makemigrations" >&2; exit 1; }
exec .venv/bin/pytest "$@"
