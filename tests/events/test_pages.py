"""Where events and campaigns may go, and what the admin tells an editor who gets a time wrong."""

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.events.models import CampaignPage, EventIndexPage, EventPage
from tests.events.conftest import add_event


def test_events_go_only_in_a_programmes_event_list_and_campaigns_nest(home, programme, events_list):
    site_wide = EventIndexPage(title="活动", slug="huodong")
    home.add_child(instance=site_wide)
    campaign = CampaignPage(title="宣传月", slug="xuanchuanyue", theme="学风", lead="导语。",
                            start_date="2020-11-01", end_date="2020-12-31")
    home.add_child(instance=campaign)
    assert EventPage.can_create_at(events_list)
    assert not EventPage.can_create_at(site_wide)  # every piece belongs to a programme
    assert not EventPage.can_create_at(programme) and not EventPage.can_create_at(home)
    assert CampaignPage.can_create_at(campaign) and not CampaignPage.can_create_at(programme)
    assert EventIndexPage.can_create_at(home) and EventIndexPage.can_create_at(programme)


def event_data(institute, **overrides):
    data = {
        "title": "启动报告会", "slug": "qidong", "kind": "report", "status": "scheduled", "status_note": "",
        "previous_start_date": "", "summary": "宣传月启动。", "start_date": "2020-11-20", "start_time": "14:30",
        "end_date": "", "end_time": "16:00", "repeat": "", "repeat_until": "", "venue_name": "中国科技会堂",
        "venue_address": "", "city": "北京", "province": "北京", "organiser": str(institute.pk),
        "registration_deadline": "", "registration_url": "", "registration_instructions": "", "capacity": "",
        "body": streamfield([]), "tags": "",
        "exceptions": inline_formset([]), "streams": inline_formset([]), "speakers": inline_formset([]),
        "materials": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def add(client, parent, model, data):
    url = reverse("wagtailadmin_pages:add", args=["events", model, parent.pk])
    return client.post(url, data)


def test_an_event_with_its_time_wrong_is_refused_with_every_reason_in_chinese(admin_client, events_list, institute):
    response = add(admin_client, events_list, "eventpage", event_data(
        institute, start_time="", end_time="", end_date="2020-11-19", venue_name="", city="",
        repeat="weekly", registration_deadline="2020-11-21 12:00"))
    text = response.content.decode()
    for message in ("请填写开始时间，或勾选“全天”。", "请填写结束时间。", "结束日期不能早于开始日期。",
                    "请填写线下场地，或至少添加一个线上平台。", "重复的活动请填写重复截止日期。"):
        assert message in text
    response = add(admin_client, events_list, "eventpage", event_data(
        institute, all_day="on", start_time="09:00", repeat="weekly", repeat_until="2020-12-31",
        status="moved_online", exceptions=inline_formset([{"date": "2020-11-28", "note": ""}]),
        streams=inline_formset([{"platform": "官网", "live_url": "", "replay_url": ""}]),
        registration_deadline="2020-11-21 12:00"))
    text = response.content.decode()
    for message in ("全天活动只填日期，请清空开始和结束时间。", "11月28日 不在重复规则的举办日期之中",
                    "请填写直播链接或回放链接。"):
        assert message in text
    late = event_data(institute, registration_deadline="2020-11-21 12:00")
    response = add(admin_client, events_list, "eventpage", late)
    assert "报名截止时间应早于活动开始时间。" in response.content.decode()
    assert not EventPage.objects.exists()


def test_a_good_event_is_saved_with_its_streams(admin_client, events_list, institute):
    add(admin_client, events_list, "eventpage", event_data(institute, streams=inline_formset([
        {"platform": "中国科协官网", "live_url": "https://example.org/live", "replay_url": ""}])))
    event = EventPage.objects.get()
    assert [s.platform for s in event.streams.all()] == ["中国科协官网"]


def test_a_wave_outside_its_campaigns_window_is_refused(admin_client, home):
    campaign = CampaignPage(title="宣传月", slug="xuanchuanyue", theme="学风", lead="导语。",
                            start_date="2020-11-01", end_date="2020-12-31")
    home.add_child(instance=campaign)
    data = nested_form_data({
        "title": "宣讲周", "slug": "xuanjiang", "theme": "宣讲", "start_date": "2020-12-20", "end_date": "2021-01-05",
        "peak_date": "", "peak_label": "", "lead": "导语。", "banner": "", "banner_alt": "",
        "body": streamfield([]), "pieces": inline_formset([]), "rule_within_window": "on",
    })
    text = add(admin_client, campaign, "campaignpage", data).content.decode()
    assert "波次的时间须在上级专题“宣传月”的时间（2020-11-01 至 2020-12-31）之内。" in text
    data.update({"end_date": "2020-12-31", "peak_date": "2020-10-01"})
    assert "高潮日须在专题的开始和结束日期之间。" in add(admin_client, campaign, "campaignpage", data).content.decode()
    assert not CampaignPage.objects.filter(slug="xuanjiang").exists()


def test_sample_helper_event_is_valid(events_list, institute):
    event = add_event(events_list, institute)
    event.full_clean()


def test_the_admin_lists_events_filtered_by_kind_and_city(admin_client, events_list, institute):
    add_event(events_list, institute)
    add_event(events_list, institute, title="宣讲（上海站）", slug="shanghai", kind="tour", city="上海",
              province="上海")
    page = admin_client.get(reverse("events:index"), {"kind": "tour"}).content.decode()
    assert "宣讲（上海站）" in page and "启动报告会" not in page
    page = admin_client.get(reverse("events:index"), {"city": "北京"}).content.decode()
    assert "启动报告会" in page and "宣讲（上海站）" not in page
