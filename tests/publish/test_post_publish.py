"""After each publish or rollback, KEPU_POST_PUBLISH_COMMAND copies the site elsewhere (here: the
rsync line the README gives, into a local folder standing for another web server)."""

import io
import os

import pytest
from django.core.management import CommandError, call_command

from cms.publish.models import PublishJob
from tests.conftest import make_story
from tests.deploy import site_tree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("folders")]


def publish():
    call_command("publish_site", "--no-progress", stdout=io.StringIO())


def test_each_publish_and_rollback_is_copied(settings, programme, tmp_path):
    mirror = tmp_path / "web2"
    settings.KEPU_POST_PUBLISH_COMMAND = (
        f'rsync -a --delete-after --delay-updates "$KEPU_PUBLISHED_SITE/" "{mirror}/"'
        f' && echo "$KEPU_BUILD_ID" > "{tmp_path}/copied"'
    )
    make_story(programme, title="第一篇", slug="first")
    publish()
    assert site_tree(mirror) == site_tree(settings.KEPU_SITE_DIR)
    assert (tmp_path / "copied").read_text().strip() in os.readlink(settings.KEPU_SITE_DIR)

    make_story(programme, title="第二篇", slug="second")
    publish()
    assert (mirror / "gezhi-lundao" / "second" / "index.html").is_file()
    call_command("publish_rollback", stdout=io.StringIO())
    assert not (mirror / "gezhi-lundao" / "second").exists()
    assert site_tree(mirror) == site_tree(settings.KEPU_SITE_DIR)


def test_a_failed_copy_is_reported_and_the_site_here_is_live(settings, programme):
    settings.KEPU_POST_PUBLISH_COMMAND = "echo 镜像服务器不可达 >&2; exit 3"
    make_story(programme, title="第三篇", slug="third")
    with pytest.raises(CommandError, match="网站已在本机上线，但发布后命令失败（退出码 3）：镜像服务器不可达"):
        publish()
    assert (settings.KEPU_SITE_DIR / "gezhi-lundao" / "third" / "index.html").is_file()
    job = PublishJob.objects.first()
    assert job.status == PublishJob.Status.PUBLISHED and "镜像服务器不可达" in job.error
