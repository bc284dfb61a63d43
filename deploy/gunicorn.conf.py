"""gunicorn settings for the Kepu CMS (the admin), behind nginx (deploy/nginx.conf).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py

deploy/systemd/kepu-web.service runs it; options given on the command line override these.
"""

import multiprocessing

wsgi_app = "cms.wsgi:application"
bind = "127.0.0.1:8000"  # only nginx talks to gunicorn
workers = min(2 * multiprocessing.cpu_count() + 1, 9)
threads = 4  # an editor's request mostly waits for the database: threads keep the workers busy
timeout = 120  # a large upload (documents up to 200 MB) is buffered by nginx, then handed over
graceful_timeout = 30
keepalive = 75  # longer than nginx keeps an idle upstream connection (60 s): nginx closes it first
max_requests, max_requests_jitter = 2000, 200  # recycle workers now and then, bounding memory
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"  # to the journal
control_socket_disable = True  # systemd starts, reloads and stops it (no socket in the service user's home)
