"""What a publish worker does when it starts, before it takes its first task (db_worker): besides
reading back what the last worker saved, it loads the code its first publish would load in its
course (each page type's documents module, MkDocs' build and the live build's Markdown extensions,
pypinyin's dictionaries for the search index) and looks at the queue at once.

A real ``db_worker`` command in a process of its own, on a deployment's database, stopped where it
would start taking tasks (the library's worker loop, replaced for the test by one that reports what
the process has loaded): no sleeps.
"""

import json
import subprocess
import sys

import pytest

from tests.deploy import ROOT
from tests.publish.scenarios import SEED

# Runs db_worker as its command line would, up to the library's loop: reports what is loaded then.
STARTED = """
import json, sys
import django
django.setup()
from django.core.management import execute_from_command_line
from django_tasks_db.management.commands import db_worker

def report(worker):
    names = json.loads(sys.argv[1])
    print(json.dumps({"loaded": [name for name in names if name in sys.modules],
                      "startup_delay": worker.startup_delay}), flush=True)

db_worker.Worker.run = report
execute_from_command_line(["manage.py", "db_worker", "--backend", "publish", "--queue-name", "publish", "--no-reload",
                           "--verbosity", "0"])
"""

# What a first publish would load in its course, from here (a campaign's documents, the build and the
# Markdown extension of the theme's configuration, the index's pinyin) and what no publish needs.
NAMES = ["cms.events.documents", "mkdocs.commands.build", "pymdownx.tilde", "markdown.extensions.md_in_html",
         "pypinyin.phrases_dict", "cms.urls"]


def started(deployment):
    done = subprocess.run([sys.executable, "-c", STARTED, json.dumps(NAMES)], cwd=ROOT, env=deployment.env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.usefixtures("forked_commands")  # (not the worker below: a process of its own)
def test_a_worker_loads_what_its_first_publish_needs_before_its_first_task(deployment):
    d = deployment
    d.manage("shell", "-c", SEED)
    d.manage("publish_site", "--no-progress")  # a live build: its configuration names the Markdown extensions
    d.manage("db_worker", "--batch", "--backend", "publish", "--queue-name", "publish")  # the seed's job, run

    # Nothing queued: all of it, the search index's pinyin too; no pause before the first look at the
    # queue; the site's URLs and views (system checks) not loaded: a publish never uses them.
    assert started(d) == {"loaded": NAMES[:-1], "startup_delay": False}

    # A publish already waiting: what its pages need, not the index's pinyin (loaded once they are live).
    d.manage("shell", "-c", "from cms.publish.models import PublishJob; PublishJob.queue('终审')")
    assert started(d) == {"loaded": NAMES[:-2], "startup_delay": False}
