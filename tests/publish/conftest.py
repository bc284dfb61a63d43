"""Fixtures for the publishing tests (helpers to import are in trees.py and scenarios.py)."""

from tests.publish.trees import folders  # noqa: F401 (offered to every module here; not autouse)
