"""Fixtures for the publishing tests (helpers to import are in trees.py and scenarios.py)."""

import pytest

from cms.publish import fsutil
from tests.deploy import Deployment
from tests.publish.trees import folders  # noqa: F401 (offered to every module here; not autouse)


@pytest.fixture
def deployment(tmp_path, migrated_database):
    """For the tests that run Kepu in processes (workers, kills): a deployment on a migrated database
    of its own (a copy of the run's migrated one, tests/migrated.py)."""
    deployment = Deployment(tmp_path / "deploy")
    migrated_database(deployment)
    yield deployment
    deployment.close()


@pytest.fixture
def forked_commands(deployment):
    """The deployment's commands forked from a process that has set Django up (Deployment.fork_commands):
    for the tests that start many workers and publishes, none of them to see what a start loads."""
    deployment.fork_commands()


@pytest.fixture
def settled_clock(monkeypatch):
    """For counting tests whose trees are surveyed within microseconds of being made: within the file
    clock's step, where a survey vouches for no folder (the racy rule: test_racy_survey.py). Counted
    as on a fine clock, where a survey made after a change vouches for the folder."""
    monkeypatch.setattr(fsutil, "CLOCK_STEP_NS", -10**9)
