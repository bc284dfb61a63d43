"""A running Kepu for the editing tests: runserver (as scripts/run.sh serves the admin) on a database of
its own (a SQLite file, or a fresh PostgreSQL database when DATABASE_URL is set), slowed down by a
second per form it is sent (tests/editing/slow_server.py), with one user per role, a programme and an
institute's contribution area."""

import pytest

from tests.deploy import Deployment, free_port, wait_for
from tests.moderation.conftest import areas, other_institute  # noqa: F401 (fixtures the tests here use)

PASSWORD = "kepu-test-pass-123"
SETUP = f"""
from cms.core.models import HomePage, Institute, User
from cms.moderation.roles import CHIEF_EDITOR, CONTRIBUTOR, EDITOR, REVIEWER, ensure_roles
from cms.programmes.models import ProgrammePage
from cms.resources.models import ContributionAreaPage
roles = ensure_roles()
institute = Institute.objects.create(name="示例物理研究所", kind="research_institute", region="北京")
for name, role in (("editor", EDITOR), ("reviewer", REVIEWER), ("chief", CHIEF_EDITOR), ("contributor", CONTRIBUTOR)):
    user = User.objects.create_user(username=name, password="{PASSWORD}", email=name + "@example.org",
                                    institute=institute if role == CONTRIBUTOR else None)
    user.groups.add(roles[role])
programme = ProgrammePage(title="格致论道", slug="gezhi-lundao", tagline="讲述科学的故事",
                        introduction="<p>科学文化讲坛。</p>", brand_colour="#c8102e", home_order=1)
HomePage.objects.get().add_child(instance=programme)
programme.save_revision().publish()
area = ContributionAreaPage(title="示例物理研究所投稿区", slug="contrib-physics", institute=institute)
programme.add_child(instance=area)
area.save_revision().publish()
print(programme.pk, area.pk)
"""


class SlowKepu:
    def __init__(self, folder, migrated_database):
        self.deployment = Deployment(folder)
        migrated_database(self.deployment)  # a copy of the run's migrated database (tests/migrated.py)
        ids = self.deployment.manage("shell", "-c", SETUP).splitlines()[-1]
        self.programme_id, self.area_id = map(int, ids.split())
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.server = self.deployment.start_manage(
            "runserver", f"127.0.0.1:{port}", "--noreload", name="runserver",
            DJANGO_SETTINGS_MODULE="tests.editing.slow_settings",
        )
        import urllib.request

        def answers():
            try:
                return urllib.request.urlopen(f"{self.url}/admin/login/", timeout=5).status == 200
            except OSError:
                return False

        wait_for(answers, "the admin to answer", process=self.server)

    def query(self, statement, *params):
        return self.deployment.query(statement, *params)

    def server_errors(self):
        log = self.deployment.log(self.server)
        return [line for line in log.splitlines() if "Traceback" in line or '" 500 ' in line]


@pytest.fixture(scope="session")
def slow_kepu(tmp_path_factory, migrated_database):
    kepu = SlowKepu(tmp_path_factory.mktemp("slow-kepu"), migrated_database)
    yield kepu
    kepu.deployment.close()
