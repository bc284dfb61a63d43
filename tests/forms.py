"""POST data for the Wagtail page forms, built the way the admin's own form sends it."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def empty_formsets(*names):
    return {name: inline_formset([]) for name in names}


def programme_data(**overrides):
    data = {
        "title": "科学与艺术", "slug": "kexue-yu-yishu", "tagline": "当科学遇见艺术",
        "introduction": rich_text("<p>科学与艺术的对话。</p>"), "brand_colour": "#336699", "home_order": "9",
        "logo": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def story_data(**overrides):
    data = {
        "title": "华罗庚：数学的故事", "slug": "hua-luogeng-test", "scientist_name": "华罗庚",
        "discipline": "数学", "institution": "中国科学院数学研究所", "portrait": "", "portrait_alt": "",
        "summary": "一位自学成才的数学家。",
        "body": streamfield([("paragraph", rich_text("<p>华罗庚在杂货铺里自学数学。</p>"))]),
        "tags": "数学, 自学成才",
        **empty_formsets("honours", "sources", "related_stories", "corrections"),
    }
    data.update(overrides)
    return nested_form_data(data)


def column_data(**overrides):
    data = {
        "title": "学风讲堂", "slug": "xuefeng-jiangtang", "introduction": rich_text("<p>讲学风。</p>"),
        "column_editor": "", "cadence": "monthly",
    }
    data.update(overrides)
    return nested_form_data(data)


def article_data(**overrides):
    data = {
        "title": "第一期", "slug": "di-yi-qi", "issue_number": "1", "date": "2026-01-01",
        "summary": "第一期摘要。",
        "body": streamfield([("paragraph", rich_text("<p>正文。</p>"))]),
        "tags": "学风",
        **empty_formsets("featured_scientists", "corrections"),
    }
    data.update(overrides)
    return nested_form_data(data)


def resource_data(institute, audience_ids, **overrides):
    data = {
        "title": "天文望远镜入门", "slug": "wangyuanjing", "kind": "video", "length": "20 分钟",
        "institute": str(institute.pk), "licence": "cc-by-4.0",
        "summary": "望远镜怎样看见遥远的星系。", "body": streamfield([]),
        "external_url": "https://example.org/telescope", "embed_url": "", "tags": "天文",
        **empty_formsets("files", "corrections"),
    }
    data.update(overrides)
    flat = nested_form_data(data)
    flat["audiences"] = [str(pk) for pk in audience_ids]
    return flat
