"""The test settings with a slow server (tests/editing/slow_server.py)."""

from cms.settings.test import *  # noqa: F403
from cms.settings.test import MIDDLEWARE

MIDDLEWARE = [*MIDDLEWARE, "tests.editing.slow_server.SlowMiddleware"]
KEPU_TEST_REQUEST_DELAY = 1.0
