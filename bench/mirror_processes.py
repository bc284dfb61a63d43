"""The Traditional mirror's conversion of every page of a bench folder, in 1 and in N processes.

    KEPU_BENCH_DIR=/tmp/b10k nice -n 19 python manage.py shell --settings=bench.settings -c \
        "from bench.mirror_processes import main; main()"        # main(processes=(1, 2))

What a full publish converts (``mirror_site.Converted.documents``, nothing kept): the site's pages are
exported once (render cache read from disk), then converted from nothing with each number of
processes (``KEPU_BUILD_PROCESSES``); prints wall seconds, this process's and the forked processes'
CPU seconds and the load, and checks that every number of processes gives the same documents.
"""

import os
import resource
import time


def _cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main(processes=(1, 2)):
    from django.conf import settings
    from django.utils import translation

    from cms.core.models import SiteSettings
    from cms.hant import mirror as hant
    from cms.publish import generate, mirror_site, plan, render, write
    from cms.publish.state import PublishState

    state = PublishState()
    state.restore()
    site = SiteSettings.load()
    with translation.override(settings.LANGUAGE_CODE):
        todo = plan.plan(state.renders)
        rendered = render.render(todo, state.renders)
        made = generate.generate(rendered.documents, site_name=site.site_name, base_url=site.base_url,
                                 description=site.description, now=todo.context.now)
    sources = [(path, meta, body, write.sha256(write.serialise(meta, body))) for path, (meta, body) in
               made.pages.items()]
    mirror = hant.load()
    print(f"{len(sources)} pages; load {os.getloadavg()[0]:.1f}", flush=True)
    first = None
    for count in processes:
        converted = mirror_site.Converted()
        converted.start(mirror)
        started, (own, children) = time.monotonic(), _cpu()
        result = converted.documents(mirror, sources, processes=count)
        after_own, after_children = _cpu()
        print(f"{count} process(es): {time.monotonic() - started:.1f} s wall, {after_own - own:.1f} CPU s here, "
              f"{after_children - children:.1f} CPU s in forked processes; load {os.getloadavg()[0]:.1f}", flush=True)
        first = first or result
        assert result == first, "the conversions differ"
