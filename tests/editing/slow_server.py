"""A slow server for the editing tests: every request that sends something (POST, PUT, PATCH, DELETE) and
reaches Django waits KEPU_TEST_REQUEST_DELAY seconds first, as on a loaded machine, so that a hurried
person's second click comes while the first click's request is on its way and unanswered. Pages and
static files (GET, HEAD) are answered at once: the tests are about what a repeated submission does, and a
slow GET only made them wait."""

import time

from django.conf import settings

SAFE = {"GET", "HEAD", "OPTIONS"}


class SlowMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE:
            time.sleep(settings.KEPU_TEST_REQUEST_DELAY)
        return self.get_response(request)
