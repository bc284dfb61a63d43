import pytest

from tests.conftest import make_story


@pytest.fixture
def story(programme):
    """钱学森's story at /gezhi-lundao/qian-xuesen/, the page the fixture logs read."""
    return make_story(programme, slug="qian-xuesen")
