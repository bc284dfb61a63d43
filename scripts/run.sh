#!/usr/bin/env bash
# Set up and run Kepu on embedded defaults: SQLite in var/, media/ and site/ in this folder,
# the sample content loaded and published. Serves the admin at http://127.0.0.1:8000/admin/ and
# the public site at http://127.0.0.1:8001/, with the publish worker and the scheduler beside
# them. Ctrl+C stops everything.
source "$(dirname "$0")/setup.sh"
export DJANGO_SETTINGS_MODULE=cms.settings.dev
PORT=${PORT:-8000}
SITE_PORT=${SITE_PORT:-8001}
mkdir -p var
echo "==> 迁移数据库"
.venv/bin/python manage.py migrate --no-input -v 0
echo "==> 载入示例内容"
.venv/bin/python manage.py load_sample_content
echo "==> 发布公众网站"
.venv/bin/python manage.py publish_site --no-progress

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
# Publishing, unpublishing, moving or deleting a page queues a publish; this worker runs it.
.venv/bin/python manage.py db_worker --backend publish --queue-name publish --interval 0.1 >var/publish-worker.log 2>&1 &
pids+=($!)
# Scheduled go-live and expiry, every minute, with no cron.
.venv/bin/python manage.py run_scheduler >var/scheduler.log 2>&1 &
pids+=($!)
# The public site: any static file server will do; this one follows the site/ link per request.
.venv/bin/python -m http.server "$SITE_PORT" --bind 127.0.0.1 --directory site >var/site-server.log 2>&1 &
pids+=($!)

echo
echo "Kepu 管理后台： http://127.0.0.1:${PORT}/admin/"
echo "公众网站：     http://127.0.0.1:${SITE_PORT}/"
echo "发布队列和定时发布在后台运行（日志在 var/）。Ctrl+C 停止全部。"
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload
