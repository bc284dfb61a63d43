"""Fixtures of the mirror's tests."""

import pytest

from cms.hant.mirror import Mirror


@pytest.fixture
def converted(monkeypatch):
    """The canonical paths of the documents the mirror converts, publish by publish."""
    calls = []
    original = Mirror.convert_document

    def counting(self, meta, body):
        calls.append(meta.get("canonical"))
        return original(self, meta, body)

    monkeypatch.setattr(Mirror, "convert_document", counting)
    return calls
