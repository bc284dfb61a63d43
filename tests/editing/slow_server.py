"""A slow server for the editing tests: every request that reaches Django waits KEPU_TEST_REQUEST_DELAY
seconds first (static files, served by WhiteNoise before this, do not), as on a loaded machine."""

import time

from django.conf import settings


class SlowMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        time.sleep(settings.KEPU_TEST_REQUEST_DELAY)
        return self.get_response(request)
