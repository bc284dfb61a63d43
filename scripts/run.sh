#!/usr/bin/env bash
# Set up and run Kepu on embedded defaults: SQLite in var/, media/ and site/ in this folder,
# the sample content loaded, the admin served at http://127.0.0.1:8000/admin/.
source "$(dirname "$0")/setup.sh"
export DJANGO_SETTINGS_MODULE=cms.settings.dev
mkdir -p var
echo "==> 迁移数据库"
.venv/bin/python manage.py migrate --no-input -v 0
echo "==> 载入示例内容"
.venv/bin/python manage.py load_sample_content
PORT=${PORT:-8000}
echo
echo "Kepu 管理后台： http://127.0.0.1:${PORT}/admin/   （Ctrl+C 停止）"
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
