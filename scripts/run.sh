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
echo "==> 示例访问日志（阅读量报告）"
.venv/bin/python manage.py load_sample_access_log

# Each background process leads a process group of its own (setsid), and the trap stops every group:
# Ctrl+C, a SIGTERM from a script that started this one, or this script ending for any reason.
pids=()
start() { setsid "$@" & pids+=($!); }
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
# Publishing, unpublishing, moving or deleting a page queues a publish; this worker runs it
# (one process: no autoreloader).
start .venv/bin/python manage.py db_worker --backend publish --queue-name publish --interval 0.1 --no-reload \
  >var/publish-worker.log 2>&1
# Scheduled go-live and expiry, every minute, with no cron.
start .venv/bin/python manage.py run_scheduler >var/scheduler.log 2>&1
# The public site, with its own 404 page for a missing address; it follows the site/ link per request.
start .venv/bin/python manage.py serve_site "$SITE_PORT" >var/site-server.log 2>&1
site=$!
start .venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload
admin=$!

# The URLs only once both answer: the admin and the public site (each is its own process and may be
# ready after the other).
until .venv/bin/python -c "import sys, urllib.request as u; [u.urlopen(url, timeout=1) for url in sys.argv[1:]]" \
    "http://127.0.0.1:${PORT}/admin/login/" "http://127.0.0.1:${SITE_PORT}/" 2>/dev/null; do
  kill -0 "$admin" 2>/dev/null || { echo "管理后台没有启动，请查看上面的错误。" >&2; exit 1; }
  kill -0 "$site" 2>/dev/null || { echo "公众网站没有启动，请查看 var/site-server.log。" >&2; exit 1; }
  sleep 0.2
done
echo
echo "Kepu 管理后台： http://127.0.0.1:${PORT}/admin/"
echo "公众网站：     http://127.0.0.1:${SITE_PORT}/"
echo "发布队列和定时发布在后台运行（日志在 var/）。Ctrl+C 停止全部。"
wait "$admin"
