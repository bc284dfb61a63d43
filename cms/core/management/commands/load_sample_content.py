"""Load the sample content: five programmes, stories, columns, resources and a user per role.

Running it again changes nothing: everything is looked up by a stable key first.
"""

import datetime

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.rich_text import RichText

from cms.columns.models import ColumnArticlePage, ColumnPage, FeaturedScientist
from cms.core.models import HomePage, Institute, User
from cms.core.sample_content import data, images
from cms.events.sample import load as load_events
from cms.factcheck import sample as trust_sample
from cms.hant import sample as hant_sample
from cms.moderation.roles import ensure_roles
from cms.nominations.sample import load as load_selections
from cms.programmes.models import ProgrammePage
from cms.resources.models import Audience, ContributionAreaPage, ResourceFile, ResourcePage, Subject
from cms.stories.models import StoryHonour, StoryPage, StoryRelatedStory, StorySource


def paragraphs_html(paragraphs, note=False):
    html = "".join(f"<p>{text}</p>" for text in paragraphs)
    return html + (f"<p><i>{data.SAMPLE_NOTE}</i></p>" if note else "")


class Command(BaseCommand):
    help = "载入示例内容（五个品牌项目、科学家故事、专栏、科普资源和各角色的示例账号）；重复运行不会改变任何内容。"

    def handle(self, *args, **options):
        self.created = 0
        with transaction.atomic():
            groups = ensure_roles()
            home = HomePage.objects.get()
            if not home.introduction:
                home.introduction = f"<p>{data.HOME_INTRODUCTION}</p>"
                home.save_revision().publish()
                self.created += 1
            institutes = {spec["name"]: self.institute(spec) for spec in data.INSTITUTES}
            subjects = {name: self.get_or_create(Subject, name=name) for name in data.SUBJECTS}
            logins = [self.user(spec, groups, institutes) for spec in data.ROLE_USERS]
            programmes = {spec["slug"]: self.programme(home, spec) for spec in data.PROGRAMMES}
            stories = {spec["slug"]: self.story(programmes[spec["programme"]], spec) for spec in data.STORIES}
            self.relate_stories(stories)
            for spec in data.COLUMNS:
                self.column(programmes[spec["programme"]], spec, stories)
            for spec in data.RESOURCES:
                self.resource(programmes, spec, institutes, subjects)
            self.contribution_areas(programmes[data.CONTRIBUTION_PROGRAMME], institutes)
            load_events(self, home, programmes, institutes, stories)
            self.created += load_selections(programmes[data.CONTRIBUTION_PROGRAMME])
            self.created += trust_sample.load(home, programmes)
            self.created += hant_sample.load()

        self.stdout.write(
            self.style.SUCCESS(f"示例内容已就绪：新建 {self.created} 项。")
            if self.created
            else "示例内容已存在，没有任何改动。"
        )
        self.stdout.write("示例账号（用户名 / 密码 / 角色）：")
        for username, password, role in logins:
            self.stdout.write(f"  {username:<12} {password:<18} {role}")

    # -- helpers -------------------------------------------------------------------

    def get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        self.created += created
        return obj

    def image(self, title, png_bytes):
        existing = Image.objects.filter(title=title).first()
        if existing:
            return existing
        self.created += 1
        return Image.objects.create(title=title, file=ContentFile(png_bytes, name="sample.png"))

    def add_page(self, parent, page, publish=True):
        existing = parent.get_children().filter(slug=page.slug).first()
        if existing:
            return existing.specific, False
        parent.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
        self.created += 1
        return page, True

    # -- content -------------------------------------------------------------------

    def institute(self, spec):
        institute = self.get_or_create(
            Institute, name=spec["name"],
            defaults={"kind": spec["kind"], "region": spec["region"], "website": "https://example.org/"},
        )
        if institute.logo_id is None:
            institute.logo = self.image(f"示例机构标志：{spec['name']}", images.emblem(spec["name"], spec["colour"]))
            institute.save(update_fields=["logo"])
        return institute

    def user(self, spec, groups, institutes):
        username, password, group, display_name, institute = spec
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username, first_name=display_name, email=f"{username}@example.org",
                is_superuser=group is None, is_staff=group is None,
                institute=institutes.get(institute),
            )
            user.set_password(password)
            user.save()
            if group:
                user.groups.add(groups[group])
            self.created += 1
        return username, password, group or "管理员"

    def programme(self, home, spec):
        page, created = self.add_page(
            home,
            ProgrammePage(
                title=spec["title"], slug=spec["slug"], tagline=spec["tagline"],
                introduction=paragraphs_html([spec["introduction"]], note=True),
                brand_colour=spec["brand_colour"], home_order=spec["home_order"],
                logo=self.image(f"示例项目标志：{spec['title']}", images.emblem(spec["slug"], spec["brand_colour"])),
            ),
        )
        return page

    def story(self, programme, spec):
        body = [("paragraph", RichText(paragraphs_html(spec["paragraphs"], note=True)))]
        if spec.get("quote"):
            body.append(("quote", {"text": spec["quote"][0], "attribution": spec["quote"][1]}))
        body.append(
            ("timeline", {
                "heading": "生平大事",
                "events": [{"year": year, "month": None, "event": event} for year, event in spec["timeline"]],
            })
        )
        story = StoryPage(
            title=spec["title"], slug=spec["slug"], scientist_name=spec["name"],
            discipline=spec["discipline"], institution=spec["institution"], summary=spec["summary"],
            portrait=self.image(f"示例肖像：{spec['name']}", images.portrait(spec["slug"])),
            portrait_alt=f"{spec['name']}的示意肖像（程序生成的抽象人像，不是照片）",
            body=body,
        )
        story.honours = [StoryHonour(title=title, year=year) for title, year in spec["honours"]]
        story.sources = [
            StorySource(title=f"维基百科：{spec['name']}", url=f"https://zh.wikipedia.org/wiki/{spec['name']}")
        ]
        story.tags.add(*spec["tags"])
        page, _created = self.add_page(programme, story)
        return page

    def relate_stories(self, stories):
        """Stories that share a tag point at each other (up to three)."""
        for slug, story in stories.items():
            if story.related_stories.exists():
                continue
            tags = {t.name for t in story.tags.all()}
            related = [
                other for other_slug, other in stories.items()
                if other_slug != slug and tags & {t.name for t in other.tags.all()}
            ][:3]
            if related:
                story.related_stories = [StoryRelatedStory(story=other) for other in related]
                story.save_revision().publish()
                self.created += 1

    def column(self, programme, spec, stories):
        column, _created = self.add_page(
            programme,
            ColumnPage(
                title=spec["title"], slug=spec["slug"], cadence=spec["cadence"],
                introduction=paragraphs_html([spec["introduction"]], note=True),
                column_editor=User.objects.get(username=spec["editor"]),
            ),
        )
        for article in spec["articles"]:
            page = ColumnArticlePage(
                title=article["title"], slug=article["slug"], issue_number=article["issue"],
                date=datetime.date.fromisoformat(article["date"]), summary=article["summary"],
                body=[("paragraph", RichText(paragraphs_html(article["paragraphs"], note=True)))],
            )
            page.featured_scientists = [FeaturedScientist(story=stories[slug]) for slug in article["featured"]]
            page.tags.add(*article["tags"])
            self.add_page(column, page)

    def resource(self, programmes, spec, institutes, subjects):
        slug, programme, title, kind, audiences, subject_names, institute, licence, summary, length = spec
        programme_page = programmes[programme]
        if programme_page.get_children().filter(slug=slug).exists():
            return
        page = ResourcePage(
            title=title, slug=slug, kind=kind, institute=institutes[institute], licence=licence,
            summary=summary, length=length,
            body=[("paragraph", RichText(paragraphs_html([summary], note=True)))],
        )
        if kind == "courseware":
            page.files = [ResourceFile(document=self.document(title, summary), title=f"{title}（提纲）")]
        else:
            page.external_url = f"https://example.org/kepu/{slug}"
        page.audiences = list(Audience.objects.filter(slug__in=audiences))
        page.subjects = [subjects[name] for name in subject_names]
        page.tags.add(*subject_names, str(ResourcePage.Kind(kind).label))
        self.add_page(programme_page, page)

    def contribution_areas(self, programme, institutes):
        """Each sample institute gets its 机构投稿区; the contributor's holds one draft."""
        for name, institute in institutes.items():
            slug = f"tougao-{data.INSTITUTE_SLUGS[name]}"
            area, created = self.add_page(
                programme,
                ContributionAreaPage(
                    title=f"{name}投稿区", slug=slug, institute=institute,
                    guidelines="请投稿面向公众的科普资源，并选择许可协议。" + data.SAMPLE_NOTE,
                ),
            )
            if created and name == data.CONTRIBUTED_DRAFT["institute"]:
                for spec, publish in ((data.CONTRIBUTED_APPROVED, True), (data.CONTRIBUTED_DRAFT, False)):
                    resource = ResourcePage(
                        title=spec["title"], slug=spec["slug"], kind=spec["kind"], institute=institute,
                        licence=spec["licence"], summary=spec["summary"], external_url=spec["url"], live=publish,
                        owner=User.objects.get(username="contributor"),
                    )
                    resource.audiences = list(Audience.objects.filter(slug__in=spec["audiences"]))
                    self.add_page(area, resource, publish=publish)

    def document(self, title, summary):
        existing = Document.objects.filter(title=title).first()
        if existing:
            return existing
        text = f"{title}\n\n{summary}\n\n{data.SAMPLE_NOTE}\n"
        self.created += 1
        return Document.objects.create(title=title, file=ContentFile(text.encode("utf-8"), name="outline.txt"))
