"""Sample 学风建设 section: the 2023 special action notice (its real title and number), and an
invented society's convention in two versions (the old one repealed) and an invented case notice.

``load(home)`` is idempotent and returns the number of pages it created.
"""

import datetime

from wagtail.rich_text import RichText

from .models import IntegrityDocumentPage, IntegritySectionPage

NOTE = "（示例内容：本文件由本项目虚构，用于演示学风建设栏目。）"
Kind, Validity = IntegrityDocumentPage.Kind, IntegrityDocumentPage.Validity

# The real notice: title, issuing bodies and number as issued (国科办督〔2023〕90号), as the published
# text reads at http://m.yahdsy.com/listing/lawsshow_pi.php?id=13799 and
# https://1ivcmoga68.cn/gong-kong-ji/458077.html. Its issue and effective dates are not in the seed
# material, and no stored copy of the notice states them (the news reports of 2024-01-25,
# e.g. http://www.trlz.com.cn/web/gdxw/2024-01/25/content_1950090.html, only say it was issued
# "近日"): they are left empty rather than guessed.
SPECIAL_ACTION = {
    "slug": "2023-xueshu-zilv-zijing-zhuanxiang-xingdong",
    "title": "科技部办公厅 民政部办公厅 中国科协办公厅关于开展促进科技类社会团体发挥学术自律自净作用专项行动的通知",
    "kind": Kind.NOTICE, "issuing_body": "科技部办公厅、民政部办公厅、中国科协办公厅", "number": "国科办督〔2023〕90号",
    "issue_date": None, "effective_date": None,
    "summary": "科技部、民政部、中国科协联合开展科技类社会团体加强学术自律自净专项行动，引导学会弘扬科学家精神、"
               "加强作风学风建设，公开自律公约和职业道德准则，公开科研失信案件的处理情况，接受社会监督。",
    "body": "<p>本页为该通知的摘要和索引，正文以印发机构公布的原件为准。</p>",
}

SOCIETY = "示例物理学会（虚构）"
DOCUMENTS = [
    {"slug": "shili-xuehui-zilv-gongyue-2019", "title": "示例物理学会会员学术自律公约（2019 年版）",
     "kind": Kind.CONVENTION, "issuing_body": SOCIETY, "number": "示例学会发〔2019〕3号",
     "issue_date": "2019-05-10", "effective_date": "2019-06-01", "validity": Validity.REPEALED,
     "summary": "示例学会 2019 年制定的会员学术自律公约，已被 2024 年版取代。"},
    {"slug": "shili-xuehui-zilv-gongyue-2024", "title": "示例物理学会会员学术自律公约（2024 年版）",
     "kind": Kind.CONVENTION, "issuing_body": SOCIETY, "number": "示例学会发〔2024〕1号",
     "issue_date": "2024-03-01", "effective_date": "2024-04-01", "validity": Validity.VALID,
     "summary": "会员在科研、评审和学术交流中应当遵守的诚信要求，以及学会受理举报和处理的程序。",
     "replaces": "shili-xuehui-zilv-gongyue-2019"},
    {"slug": "shili-xuehui-chuli-jieguo-tongbao-2025-1", "title": "示例物理学会关于一起论文抄袭行为的处理结果通报",
     "kind": Kind.CASE, "issuing_body": SOCIETY, "number": "示例学会通〔2025〕2号",
     "issue_date": "2025-02-20", "effective_date": None, "validity": Validity.VALID,
     "summary": "经学会学术道德委员会调查，一名会员在投稿论文中抄袭他人成果属实，给予通报批评并取消其三年内评奖资格。"},
]


def _add(section, spec, created):
    existing = section.get_children().filter(slug=spec["slug"]).first()
    if existing:
        return existing.specific
    fields = {k: v for k, v in spec.items() if k not in ("replaces", "body")}
    for key in ("issue_date", "effective_date"):
        if isinstance(fields.get(key), str):
            fields[key] = datetime.date.fromisoformat(fields[key])
    page = IntegrityDocumentPage(body=RichText(spec.get("body") or f"<p>{spec['summary']}</p><p><i>{NOTE}</i></p>"),
                                 **fields)
    section.add_child(instance=page)
    page.save_revision().publish()
    created.append(page)
    return page


def load(home):
    created = []
    section = home.get_children().filter(slug="xuefeng-jianshe").first()
    if section is None:
        section = IntegritySectionPage(
            title="学风建设", slug="xuefeng-jianshe",
            introduction="科技社团和科研机构的自律公约、职业道德准则、评价规范、通知和科研失信处理结果通报。")
        home.add_child(instance=section)
        section.save_revision().publish()
        created.append(section)
    else:
        section = section.specific
    _add(section, SPECIAL_ACTION, created)
    pages = {spec["slug"]: _add(section, spec, created) for spec in DOCUMENTS}
    for spec in DOCUMENTS:
        old = pages.get(spec.get("replaces"))
        if old is not None and old.replaced_by_id is None:
            old.replaced_by = pages[spec["slug"]]
            old.save_revision().publish()
    return len(created)
