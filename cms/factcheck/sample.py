"""Sample trust content: three sample experts, debunks on well-established science (one with a
correction, one retracted), a story that went live through the 应急科普 workflow and was corrected
later, a retracted story, the 应急科普 hub, the list of all debunks, the expert directory page, and
the 学风建设 section (cms/integrity/sample.py). Publishing the expert directory page gives each public
expert their page (signals.py); one of them speaks at a sample event.

``load(home, programmes)`` is idempotent: everything is looked up by a stable key first. Returns
the number of things it created.
"""

import datetime

from django.contrib.auth import get_user_model
from wagtail.models import Workflow
from wagtail.rich_text import RichText

from cms.moderation.roles import CHIEF_EDITOR, URGENT_WORKFLOW
from cms.stories.models import StoryCorrection, StoryPage

from .models import (
    DebunkCorrection,
    DebunkIndexPage,
    DebunkListingPage,
    DebunkPage,
    DebunkReviewer,
    DebunkSource,
    EmergencyHubPage,
    Expert,
    ExpertDirectoryPage,
)

NOTE = "（示例内容，由本项目编写，用于演示辟谣页面。）"
STORY_NOTE = "（示例内容，由本项目编写，用于演示应急科普、更正和撤稿。）"
PROGRAMME = "kexue-dayuan"

# Invented people, marked as samples; their contact data exists to prove it never reaches the site.
EXPERTS = [
    {"name": "林知远（示例）", "title": "研究员", "institute": "示例神经科学研究所", "subjects": ["生命科学"],
     "bio": "虚构的示例专家，研究方向为认知神经科学。", "visibility": "public",
     "phone": "010-5555-0101", "email": "lin.zhiyuan@example.org", "contact_note": "示例：工作日下午可联系"},
    {"name": "周明澈（示例）", "title": "主任医师", "institute": "示例眼科医院", "subjects": ["医学"],
     "bio": "虚构的示例专家，从事眼科临床工作。", "visibility": "public",
     "phone": "010-5555-0102", "email": "zhou.mingche@example.org", "contact_note": "示例：请先发邮件"},
    {"name": "许清和（示例）", "title": "教授", "institute": "示例营养学院", "subjects": ["医学"],
     "bio": "虚构的示例专家，研究营养与健康。", "visibility": "internal",
     "phone": "010-5555-0103", "email": "xu.qinghe@example.org", "contact_note": "示例：仅内部联系"},
]

DEBUNKS = [
    {
        "slug": "da-nao-zhi-yong-le-shi-fen-zhi-yi", "title": "“人类只用了大脑的 10%”？没有这回事",
        "claim": "人类一生只开发了大脑的 10%，剩下的 90% 都在闲置，只要开发出来人人都能成为天才。",
        "where": "短视频平台上的“潜能开发”课程广告", "first_seen": "2025-03-02", "verdict": "rumour",
        "summary": "脑成像和临床研究表明，大脑各个区域都在工作，不存在闲置的 90%。",
        "paragraphs": [
            "功能性磁共振成像等研究显示，即使在简单的任务或休息时，大脑的绝大部分区域也都有活动。",
            "大脑只占体重的约 2%，却消耗身体约 20% 的能量；如果 90% 闲置，演化不会保留这样昂贵的器官。",
            "临床上，大脑任何一个区域受损几乎都会造成某种功能障碍，这也说明没有“用不到”的部分。",
        ],
        "sources": [("Principles of Neural Science（第 6 版）", "McGraw Hill", "2021-01-01", "")],
        "experts": ["林知远（示例）"],
    },
    {
        "slug": "hu-luo-bo-ti-gao-shi-li", "title": "多吃胡萝卜能让视力变好？只对了一半",
        "claim": "多吃胡萝卜可以提高视力，近视的孩子每天吃胡萝卜就能摘掉眼镜。",
        "where": "家长群转发的育儿文章", "first_seen": "2025-05-18", "verdict": "partly",
        "summary": "维生素 A 缺乏会导致夜盲，胡萝卜能补充它；但营养充足的人多吃胡萝卜不能治好近视。",
        "paragraphs": [
            "胡萝卜富含 β-胡萝卜素，人体可以把它转化为维生素 A，而维生素 A 是视网膜感光物质的原料。",
            "严重缺乏维生素 A 会导致夜盲症，补充后可以改善，这是说法中正确的部分。",
            "近视主要与眼轴变长有关，饮食无法让眼轴变短；营养充足的人多吃胡萝卜并不能提高视力。",
        ],
        "sources": [("Vitamin A deficiency", "世界卫生组织（WHO）", "", "")],
        "experts": ["周明澈（示例）", "许清和（示例）"],
        "authors": ["周明澈（示例）"],  # 专家作者: listed under 撰写的文章 on his page
        "correction": ("2025-06-03", "称胡萝卜素“直接就是维生素 A”", "β-胡萝卜素在人体内转化为维生素 A"),
    },
    {
        "slug": "wei-bo-lu-fu-she", "title": "微波炉加热的食物有辐射？（已撤稿示例）",
        "claim": "用微波炉加热过的饭菜会残留辐射，吃了会致癌。",
        "where": "微信群转发的文章", "first_seen": "2025-04-01", "verdict": "false",
        "summary": "微波让食物中的水分子振动发热，关火后不会留下任何辐射。",
        "paragraphs": ["微波属于非电离辐射，加热结束后食物中不会残留微波。"],
        "sources": [("微波炉的工作原理", "示例科普出版社", "", "")],
        "experts": ["林知远（示例）"],
        "retraction": "示例：本文引用的来源无法核实，编辑部决定撤稿，待重新核查后另行发布。",
    },
]


# Stories in the programme of the 辟谣 section: one that went live through the 应急科普 workflow and
# was corrected after, and one retracted (an invented person, marked as a sample).
STORIES = [
    {
        "slug": "wu-liande", "title": "伍连德：扑灭东北鼠疫的医生", "name": "伍连德", "discipline": "公共卫生",
        "institution": "东三省防疫处", "urgent": True,
        "summary": "1910 年冬东北鼠疫暴发，伍连德用解剖查明病因，靠隔离和口罩控制了疫情。",
        "paragraphs": [
            "1910 年冬，鼠疫从满洲里沿铁路蔓延到哈尔滨。在天津陆军军医学堂任职的伍连德受命赶赴哈尔滨调查疫情。",
            "他通过病理解剖确认，这是经飞沫在人与人之间传播的肺鼠疫，于是推行隔离和消毒，"
            "并让医护人员和民众佩戴用纱布和棉花制成的口罩。",
            "疫情在 1911 年春得到控制。同年 4 月，万国鼠疫研究会在奉天召开，伍连德担任会议主席。",
        ],
        "correction": ("2025-07-10", "称鼠疫于 1911 年冬传到哈尔滨", "鼠疫于 1910 年冬传到哈尔滨"),
    },
    {
        "slug": "shili-chegao-gushi", "title": "示例人物：一篇已撤稿的故事（已撤稿示例）", "name": "示例人物（虚构）",
        "discipline": "物理学", "institution": "示例物理研究所",
        "summary": "示例：这篇虚构人物的故事已撤稿，用来演示撤稿说明页。",
        "paragraphs": ["示例人物在实验室里度过了四十年。"],
        "retraction": ("2025-08-01", "示例：文中引用的访谈记录无法核实，编辑部决定撤稿。"),
    },
]


class _Loader:
    def __init__(self):
        self.created = 0

    def add_page(self, parent, page):
        existing = parent.get_children().filter(slug=page.slug).first()
        if existing:
            return existing.specific
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1
        return page

    def expert(self, spec):
        from cms.resources.models import Subject

        expert = Expert.objects.filter(name=spec["name"], is_sample=True).first()
        if expert is None:
            fields = {k: v for k, v in spec.items() if k != "subjects"}
            expert = Expert.objects.create(is_sample=True, **fields)
            expert.subjects.set(Subject.objects.filter(name__in=spec["subjects"]))
            self.created += 1
        return expert

    def debunk(self, section, spec, experts):
        if section.get_children().filter(slug=spec["slug"]).exists():
            return
        html = "".join(f"<p>{text}</p>" for text in spec["paragraphs"]) + f"<p><i>{NOTE}</i></p>"
        page = DebunkPage(
            title=spec["title"], slug=spec["slug"], claim=spec["claim"], claim_where=spec["where"],
            claim_first_seen=datetime.date.fromisoformat(spec["first_seen"]), verdict=spec["verdict"],
            verdict_summary=spec["summary"], explanation=[("paragraph", RichText(html))],
            last_reviewed=datetime.date.fromisoformat(spec["first_seen"]) + datetime.timedelta(days=7),
        )
        page.sources = [DebunkSource(title=t, publisher=p, date=datetime.date.fromisoformat(d) if d else None, url=u)
                        for t, p, d, u in spec["sources"]]
        page.reviewers = [DebunkReviewer(expert=experts[name]) for name in spec["experts"]]
        page.expert_authors = [experts[name] for name in spec.get("authors", ())]
        page = self.add_page(section, page)
        if spec.get("correction"):  # a second revision, as an editor's correction after review
            date, wrong, right = spec["correction"]
            page.corrections = [DebunkCorrection(date=datetime.date.fromisoformat(date), wrong=wrong, right=right)]
            page.save_revision().publish()
        if spec.get("retraction"):
            page.retracted, page.retraction_reason = True, spec["retraction"]
            page.retracted_at = datetime.date.fromisoformat(spec["first_seen"]) + datetime.timedelta(days=30)
            page.save_revision().publish()


    def story(self, programme, spec):
        if programme.get_children().filter(slug=spec["slug"]).exists():
            return
        html = "".join(f"<p>{text}</p>" for text in spec["paragraphs"]) + f"<p><i>{STORY_NOTE}</i></p>"
        page = StoryPage(title=spec["title"], slug=spec["slug"], scientist_name=spec["name"],
                         discipline=spec["discipline"], institution=spec["institution"], summary=spec["summary"],
                         body=[("paragraph", RichText(html))], portrait=self.portrait(spec),
                         portrait_alt=f"{spec['name']}的示意肖像（程序生成的抽象人像，不是照片）")
        if spec.get("urgent"):
            page = self.through_urgent_workflow(programme, page)
        else:
            page = self.add_page(programme, page)
        if spec.get("correction"):  # a later revision, as an editor's correction after review
            date, wrong, right = spec["correction"]
            page.corrections = [StoryCorrection(date=datetime.date.fromisoformat(date), wrong=wrong, right=right)]
            page.save_revision().publish()
        if spec.get("retraction"):
            date, reason = spec["retraction"]
            page.retracted, page.retraction_reason = True, reason
            page.retracted_at = datetime.date.fromisoformat(date)
            page.save_revision().publish()

    def portrait(self, spec):
        from django.core.files.base import ContentFile
        from wagtail.images.models import Image

        from cms.core.sample_content import images

        title = f"示例肖像：{spec['name']}"
        image = Image.objects.filter(title=title).first()
        if image is None:
            png = ContentFile(images.portrait(spec["slug"]), name="sample.png")
            image = Image.objects.create(title=title, file=png)
            self.created += 1
        return image

    def through_urgent_workflow(self, parent, page):
        """A draft submitted through the 应急科普 workflow: screening, then one chief editor's approval."""
        chief = get_user_model().objects.filter(groups__name=CHIEF_EDITOR).order_by("pk").first()
        page.live = False
        parent.add_child(instance=page)
        page.save_revision(user=chief)
        state = Workflow.objects.get(name=URGENT_WORKFLOW).start(page, chief)
        state.current_task_state.approve(user=chief)
        self.created += 1
        page.refresh_from_db()
        return page


TALK = ("xuanjiang-beijing-2020", "林知远（示例）")  # a sample event (cms/events/sample.py) and its expert speaker


def add_expert_talk(experts):
    """A public expert as a speaker of a sample event, if the events are loaded (a new revision)."""
    from cms.events.models import EventPage, EventSpeaker

    slug, name = TALK
    event = EventPage.objects.filter(slug=slug).first()
    if event is None or event.speakers.filter(expert__isnull=False).exists():
        return 0
    event.speakers.add(EventSpeaker(expert=experts[name], affiliation=experts[name].institute))
    event.save_revision().publish()
    return 1


def load(home, programmes):
    loader = _Loader()
    experts = {spec["name"]: loader.expert(spec) for spec in EXPERTS}
    hub = loader.add_page(home, EmergencyHubPage(title="应急科普", slug="yingji-kepu",
                                                 introduction="突发事件和热点谣言的科学解读，最新的在前。"))
    loader.add_page(hub, DebunkListingPage(title="全部辟谣", slug="piyao", introduction="各品牌项目的辟谣文章。"))
    loader.add_page(hub, ExpertDirectoryPage(title="应急科普专家库", slug="zhuanjia",
                                              introduction="为辟谣和应急科普把关的专家（仅列出同意公开的专家）。"))
    section = loader.add_page(programmes[PROGRAMME], DebunkIndexPage(
        title="科学辟谣", slug="kexue-piyao", introduction="科学大院的辟谣文章，经专家审核。"))
    for spec in DEBUNKS:
        loader.debunk(section, spec, experts)
    for spec in STORIES:
        loader.story(programmes[PROGRAMME], spec)
    loader.created += add_expert_talk(experts)

    from cms.integrity.sample import load as load_integrity

    return loader.created + load_integrity(home)
