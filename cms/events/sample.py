"""Sample campaigns and events (written by the project; the dates, times and places of the 2020
宣传月 are those its notice gives). Idempotent: everything is looked up by its slug first.

Called by ``load_sample_content`` with the command (for ``add_page`` and its count of new items).
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag

from cms.core.sample_content.data import SAMPLE_NOTE

from .models import (
    CampaignPage,
    CampaignPiece,
    EventException,
    EventIndexPage,
    EventPage,
    EventSpeaker,
    EventStream,
)

D = datetime.date
T = datetime.time
SH = datetime.timezone(datetime.timedelta(hours=8))
INDEX_SLUG = "huodong"

EVENTS = {
    "kexue-yu-zhongguo": [
        dict(slug="xuanchuanyue-qidong-2020", title="2020年科学道德和学风建设宣传月启动报告会", kind="report",
             summary="宣传月以报告会形式启动，主会场设在北京，全网同步直播，各地设分会场。",
             start_date=D(2020, 11, 20), start_time=T(14, 30), end_time=T(16, 0),
             venue_name="中国科技会堂", venue_address="北京市海淀区复兴路3号", city="北京", province="北京",
             registration_deadline=datetime.datetime(2020, 11, 19, 12, 0, tzinfo=SH),
             registration_instructions="各分会场请于11月19日12:00前报名，报名后获得直播接入方式。",
             streams=[("中国科协官网", "https://example.org/live/xuanchuanyue-2020",
                       "https://example.org/replay/xuanchuanyue-2020"),
                      ("学习强国", "https://example.org/xuexi/live/xuanchuanyue-2020", "")],
             speakers=[("", "示例物理研究所", "qian-xuesen")], tags=["宣传月", "学风"],
             audiences=["public", "researchers"]),
        dict(slug="xuanjiang-beijing-2020", title="科学家精神宣讲：进院所（北京站）", kind="tour",
             summary="宣讲团走进科研院所，讲述老一辈科学家的学风故事。",
             start_date=D(2020, 11, 25), start_time=T(9, 30), end_time=T(11, 30),
             venue_name="示例物理研究所报告厅", city="北京", province="北京", tags=["宣传月", "宣讲"]),
        dict(slug="xuanjiang-xianshang-2020", title="科学家精神宣讲：线上专场", kind="tour",
             summary="宣讲团在线上讲述科学家的学风故事，没能到场的观众也能收看。",
             start_date=D(2020, 11, 30), start_time=T(19, 0), end_time=T(20, 30),
             streams=[("中国科协官网", "https://example.org/live/xuanjiang-xianshang-2020", "")],
             tags=["宣传月", "宣讲"]),
        dict(slug="xuanjiang-shanghai-2020", title="科学家精神宣讲：进校园（上海站）", kind="tour",
             summary="宣讲团走进高校，与青年学生谈科研诚信。",
             start_date=D(2020, 12, 2), start_time=T(14, 0), end_time=T(16, 0),
             venue_name="示例师范大学大礼堂", city="上海", province="上海", tags=["宣传月", "宣讲"]),
        dict(slug="xuanjiang-guangzhou-2020", title="科学家精神宣讲：进企业（广州站）", kind="tour",
             summary="宣讲团走进企业研发中心，讲述工程师的科学家精神。",
             start_date=D(2020, 12, 9), start_time=T(14, 0), end_time=T(16, 0),
             venue_name="示例市科学技术协会会议中心", city="广州", province="广东", tags=["宣传月", "宣讲"]),
        dict(slug="keji-gongzuozhe-ri-zhan-2021", title="全国科技工作者日主题展", kind="exhibition", all_day=True,
             summary="以图片和实物讲述科技工作者的故事，5月30日全国科技工作者日当天闭展。",
             start_date=D(2021, 5, 28), end_date=D(2021, 5, 30),
             venue_name="示例市科学技术协会展厅", city="广州", province="广东", tags=["科技工作者日"]),
    ],
    "kexue-dayuan": [
        dict(slug="da-kexue-zhuangzhi-kaifangri-2021", title="大科学装置公众开放日", kind="open_day",
             summary="七月每周六开放大科学装置园区，讲解员带领参观；7月17日设备检修，暂停开放。",
             start_date=D(2021, 7, 3), start_time=T(9, 0), end_time=T(16, 0),
             repeat="weekly", repeat_until=D(2021, 7, 31), exceptions=[D(2021, 7, 17)],
             venue_name="示例物理研究所大科学装置园区", city="北京", province="北京", capacity=300,
             registration_url="https://example.org/kaifangri/baoming", audiences=["youth", "public"]),
        dict(slug="kexue-jiaoyu-shuqi-xuexiao-2021", title="科学教育暑期学校", kind="study", all_day=True,
             summary="中学生走进研究所，跟着科研人员做两周实验，结业时展示自己的课题。",
             start_date=D(2021, 7, 26), end_date=D(2021, 8, 6),
             venue_name="示例物理研究所科学教育中心", city="合肥", province="安徽", capacity=60,
             registration_instructions="由学校推荐报名，名额有限。", audiences=["youth"]),
    ],
    "kuanian-kexue-yanjiang": [
        dict(slug="kuanian-kexue-yanjiang-2020", title="2021跨年科学演讲", kind="lecture",
             summary="科学家们在跨年夜登台，与观众一起迎接新年。",
             start_date=D(2020, 12, 31), end_date=D(2021, 1, 1), start_time=T(19, 30), end_time=T(0, 30),
             streams=[("示例视频平台", "https://example.org/live/kuanian-2021", "https://example.org/replay/kuanian-2021")],
             speakers=[("", "", "wang-ganchang"), ("", "", "zhao-jiuzhang")]),
    ],
}

CAMPAIGNS = [
    dict(slug="xuanchuanyue-2020", title="2020年科学道德和学风建设宣传月", theme="弘扬科学家精神，涵养优良学风",
         start_date=D(2020, 11, 1), end_date=D(2020, 12, 31), organisers=["示例物理研究所", "示例市科学技术协会"],
         lead="宣传月自11月至12月开展：11月20日举行启动报告会并全网同步直播，宣讲团进企业、进院所、进校园，"
              "各单位的作品请于12月31日前上报。",
         rule_tags=["宣传月"], rule_types=["eventpage"], pieces=["huang-danian", "qian-xuesen"],
         waves=[dict(slug="qidong-zhou", title="启动周", theme="启动报告会", start_date=D(2020, 11, 16),
                     end_date=D(2020, 11, 22), lead="11月20日启动报告会，全网同步直播。"),
                dict(slug="xuanjiang-yue", title="宣讲进行时", theme="进企业、进院所、进校园",
                     start_date=D(2020, 11, 23), end_date=D(2020, 12, 20), rule_tags=["宣讲"],
                     lead="宣讲团走进企业、院所和校园。")]),
    dict(slug="keji-gongzuozhe-ri-2021", title="2021年全国科技工作者日", theme="致敬科技工作者",
         start_date=D(2021, 5, 1), end_date=D(2021, 5, 31), peak_date=D(2021, 5, 30), peak_label="全国科技工作者日",
         organisers=["示例市科学技术协会"], lead="五月分批推出科技工作者的故事，在5月30日全国科技工作者日达到高潮。",
         rule_tags=["两弹一星", "科技工作者日"], rule_within_window=False),
]


def load(command, home, programmes, institutes, stories):
    """Add the sample campaigns and events; returns nothing. ``command.add_page`` counts what it adds."""
    from cms.resources.models import Audience

    organiser = institutes["示例物理研究所"]
    everything = EventIndexPage(title="活动", slug=INDEX_SLUG, introduction="全站的报告会、宣讲、讲座和开放日。")
    command.add_page(home, everything)
    for programme_slug, specs in EVENTS.items():
        index, _created = command.add_page(programmes[programme_slug],
                                           EventIndexPage(title="活动", slug=INDEX_SLUG))
        for spec in specs:
            spec = dict(spec)
            if index.get_children().filter(slug=spec["slug"]).exists():
                continue
            streams, speakers = spec.pop("streams", []), spec.pop("speakers", [])
            exceptions, tags = spec.pop("exceptions", []), spec.pop("tags", [])
            audiences = spec.pop("audiences", [])
            event = EventPage(organiser=organiser, **spec)
            event.summary += SAMPLE_NOTE
            event.streams = [EventStream(platform=p, live_url=live, replay_url=replay) for p, live, replay in streams]
            event.speakers = [EventSpeaker(name=name, affiliation=affiliation, story=stories.get(story))
                              for name, affiliation, story in speakers]
            event.exceptions = [EventException(date=day, note="设备检修，暂停开放。") for day in exceptions]
            event.audiences = list(Audience.objects.filter(slug__in=audiences))
            event.tags.add(*tags)
            command.add_page(index, event)
    for spec in CAMPAIGNS:
        campaign(command, home, spec, institutes, stories)


def campaign(command, parent, spec, institutes, stories):
    spec = dict(spec)
    if parent.get_children().filter(slug=spec["slug"]).exists():
        return
    waves, pieces = spec.pop("waves", []), spec.pop("pieces", [])
    organisers, tags = spec.pop("organisers", []), spec.pop("rule_tags", [])
    types = spec.pop("rule_types", [])
    page = CampaignPage(**spec)
    page.lead += SAMPLE_NOTE
    page.organisers = [institutes[name] for name in organisers]
    page.rule_tags = list(Tag.objects.filter(name__in=tags))  # the events' and stories' own tags
    page.rule_types = [ContentType.objects.get(app_label="events", model=model) for model in types]
    page.pieces = [CampaignPiece(piece=stories[slug]) for slug in pieces]
    command.add_page(parent, page)
    for wave in waves:
        campaign(command, page, wave, institutes, stories)
