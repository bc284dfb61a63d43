"""The selection cycle in Chromium through the real admin: a unit's contributor submits a nomination
(refused for a misnamed photo, the typed text still there, then accepted), an expert scores it, the
chair advances it through both rounds onto the 公示 shortlist, and after 公示 the chief editor
confirms the winner, whose draft story then waits for 编辑审核."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.nominations.models import Nomination
from tests.browser import admin_logins

from .conftest import DEEDS, jpeg_bytes

NOMINEE = "张三"


def files(*names):
    return [{"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes()} for name in names]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_call_nominations_rounds_notice_release(browser, live_server, users, units, rounds):
    admin = f"{live_server.url}/admin/"
    blocked = []
    chair = rounds["experts"][0]

    with admin_logins(browser, admin, blocked, timeout=15_000) as log_in:
        # The contributor of 示例物理研究所 nominates; the first try names a photo after someone else.
        page = log_in("contributor")
        page.goto(f"{admin}snippets/nominations/nomination/add/")
        page.get_by_role("combobox", name="推荐单位").select_option(label=f"{units['institute'].call} · 示例物理研究所")
        page.get_by_role("textbox", name="被推荐人姓名").fill(NOMINEE)
        page.get_by_role("textbox", name="工作单位").fill("示例冻土研究所")
        page.get_by_role("textbox", name="学科领域").fill("冻土工程")
        page.get_by_role("textbox", name="事迹材料").fill(DEEDS)
        page.get_by_role("textbox", name="推荐意见").fill("同意推荐。")
        page.locator("#id_photos").set_input_files(files("张三1.jpg", "张三2.jpg", "李四3.jpg"))
        page.get_by_role("button", name="保存").click()
        expect(page.locator("p.error-message", has_text="照片“李四3.jpg”没有按“姓名+序号”命名")).to_be_visible()
        expect(page.get_by_role("textbox", name="工作单位")).to_have_value("示例冻土研究所")
        expect(page.get_by_role("textbox", name="事迹材料")).to_have_value(DEEDS)
        page.locator("#id_photos").set_input_files(files("张三1.jpg", "张三2.jpg", "张三3.jpg"))
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text(re.compile("已创建"))).to_be_visible()
        nomination = Nomination.objects.get(nominee_name=NOMINEE)
        assert nomination.photos.count() == 3

        # The chair, an expert of both rounds, scores and advances it twice.
        page = log_in(chair.username)
        page.get_by_role("link", name="评审", exact=True).first.click()
        page.get_by_role("link", name=NOMINEE).first.click()
        page.get_by_role("spinbutton", name=re.compile("^事迹")).fill("92")
        page.get_by_role("spinbutton", name=re.compile("^影响")).fill("80")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("加权得分 89.00")).to_be_visible()
        for round_ in ("first", "second"):
            page.goto(f"{admin}nominations/ranking/{rounds[round_].pk}/")
            page.get_by_role("checkbox", name=f"选择 {NOMINEE}").check()
            page.get_by_role("button", name=re.compile("推进到下一轮|列入公示名单")).click()
            expect(page.get_by_text(re.compile(f"已将 1 人.*{NOMINEE}"))).to_be_visible()
        nomination.refresh_from_db()
        assert nomination.shortlisted

        # 公示 is over: the chief editor confirms the winner.
        call = nomination.call
        now = timezone.now()
        call.notice_starts_at, call.notice_ends_at = now - timedelta(days=8), now - timedelta(days=1)
        call.save()
        page = log_in("chief")
        page.goto(f"{admin}nominations/winners/{call.pk}/")
        page.get_by_role("checkbox", name=f"确认 {NOMINEE} 获选").check()
        page.get_by_role("button", name="确认获选并生成故事草稿").click()
        expect(page.get_by_text("已确认 1 位获选者")).to_be_visible()
        page.get_by_role("link", name=re.compile(f"^{NOMINEE}：最美科技工作者 2026")).click()
        expect(page.get_by_role("textbox", name="科学家姓名")).to_have_value(NOMINEE)

    nomination.refresh_from_db()
    story = nomination.story.specific
    assert nomination.winner and not story.live and story.has_unpublished_changes
    assert blocked == []
