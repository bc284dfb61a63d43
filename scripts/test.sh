#!/usr/bin/env bash
# Run the whole test suite. Extra arguments go to pytest, e.g. scripts/test.sh -k search
source "$(dirname "$0")/setup.sh"
.venv/bin/ruff check .
.venv/bin/python manage.py makemigrations --check --dry-run --settings=cms.settings.test >/dev/null \
  || { echo "模型有改动但缺少迁移：请运行 manage.py makemigrations" >&2; exit 1; }
exec .venv/bin/pytest "$@"
