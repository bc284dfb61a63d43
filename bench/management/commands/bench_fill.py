"""python manage.py bench_fill --pieces N — fill the benchmark CMS with N live pieces.

Only with the benchmark settings (``--settings=bench.settings``, data under KEPU_BENCH_DIR): it
never touches the developer's database. On top of the sample content (five programmes, users,
institutes, workflows), piece i is, by i mod 10, a scientist story (5 in 10), a column article
(2 in 10, in one benchmark column per programme) or a resource (3 in 10); blocks of ten go to
the five programmes in turn. Text is real Chinese prose from ../shared/testdata/content/, each
piece ending with the attribution lines of what it uses. Tags come from a 60-word vocabulary,
two or three a piece. Images are drawn with Pillow: 8 portraits and 6 illustrations, reused.

Every piece is published through a revision, so it has a live revision. By default a batch of
pieces is written in bulk (bench/management/bulk_pages.py: the rows ``add_child`` +
``page.save_revision().publish()`` would leave, in a few queries per batch); ``--exact`` publishes
them one by one through Wagtail, as an approval does. Idempotent: running again with the same N
changes nothing, a larger N adds the missing pieces, a smaller N is refused.
"""

import datetime
import io
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.signals import post_save
from modelsearch.signal_handlers import post_save_signal_handler as search_index_on_save
from taggit.models import Tag
from wagtail.images.models import Image
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backend
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published

from bench import corpus
from bench.management import bulk_pages, bulk_search
from cms.columns.models import ColumnArticlePage, ColumnPage, FeaturedScientist
from cms.core.models import Institute, User
from cms.core.sample_content import data, images
from cms.moderation.screening import sanitise_page
from cms.programmes.models import ProgrammePage
from cms.publish import signals as publish_signals
from cms.resources.models import Audience, ResourcePage, Subject
from cms.stories.models import StoryPage, StoryRelatedStory, StorySource

SLUG_PREFIX = "bench-p"
COLUMN_SLUG = "bench-column"
PORTRAITS, ILLUSTRATIONS = 8, 6
TOPICS = (
    "物理学 天文学 数学 化学 生物学 地质学 气象学 海洋学 医学 药学 农学 材料科学 力学 光学 声学 电子学 "
    "计算机 人工智能 航天 航空 核能 新能源 环境保护 生态 遗传学 神经科学 考古 古生物 科学史 科学方法 "
    "科学精神 科学家精神 科普 青少年 实验 观测 工程 建筑 交通 水利 通信 互联网 量子 宇宙 地球 气候 "
    "健康 营养 疫苗 博物馆 开放日 讲座 图书 视频 创新 教育 女科学家 国际合作"
).split()
DISCIPLINES = TOPICS[:20]
PIECE_MODELS = (StoryPage, ColumnArticlePage, ResourcePage)
START_DATE = datetime.date(2015, 1, 1)


def piece_kind(index):
    position = index % 10
    return "story" if position < 5 else "article" if position < 7 else "resource"


def slug_of(index):
    return f"{SLUG_PREFIX}{index:05d}"


def existing_count():
    return Page.objects.filter(slug__startswith=SLUG_PREFIX).count()


def _html_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _attribution(records):
    items = "".join(
        f'<li>{_html_escape(r.attribution)} <a href="{_html_escape(r.url)}">{_html_escape(r.url)}</a></li>'
        for r in records
    )
    return f"<p><b>来源</b></p><ul>{items}</ul>"


class Command(BaseCommand):
    help = "基准测试：在基准数据目录中生成 N 篇已发布的内容（只能在 bench.settings 下运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--pieces", type=int, required=True, help="内容总篇数，例如 1000 或 10000。")
        parser.add_argument("--batch", type=int, default=1000, help="每个数据库事务写入的篇数。")
        parser.add_argument(
            "--exact", action="store_true", help="逐篇通过 Wagtail 创建并发布（较慢），而不是批量写入。"
        )

    def handle(self, *args, pieces, batch, exact=False, verbosity=1, **options):
        if not hasattr(settings, "BENCH_DIR"):
            raise CommandError("bench_fill 只在基准设置下运行：--settings=bench.settings，数据写入 KEPU_BENCH_DIR。")
        if pieces < 0:
            raise CommandError("--pieces 不能为负数。")
        started = time.monotonic()
        call_command("load_sample_content", stdout=io.StringIO())
        have = existing_count()
        if have > pieces:
            raise CommandError(
                f"基准数据目录 {settings.BENCH_DIR} 里已有 {have} 篇基准内容，多于 --pieces {pieces}。"
                "请换一个空的 KEPU_BENCH_DIR，或删除该目录后重新生成。"
            )
        if have == pieces:
            self.stdout.write(f"已有 {have} 篇基准内容，没有任何改动。")
            return
        self.fill(have, pieces, batch=batch, exact=exact, started=started, verbosity=verbosity)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"新生成 {pieces - have} 篇基准内容（共 {pieces} 篇），用时 {seconds:.1f} 秒，"
                f"{(pieces - have) / seconds:.1f} 篇/秒。"
            )
        )

    def fill(self, have, pieces, *, batch, exact=False, started=None, verbosity=0):
        """Add pieces ``have`` … ``pieces - 1`` (the sample content must be there), ``batch`` per transaction."""
        started = started or time.monotonic()
        self.prepare()
        paragraphs, abstracts = corpus.load()
        # No publish job per page: the benchmark publishes once, when it chooses to.
        page_published.disconnect(dispatch_uid="kepu_publish_on_published")
        # The admin search index is written in bulk after each batch, not on each of a page's three saves.
        for model in PIECE_MODELS:
            post_save.disconnect(search_index_on_save, sender=model)
        try:
            for first in range(have, pieces, batch):
                with transaction.atomic(), disable_reference_index_auto_update():
                    made = [
                        self.piece(index, paragraphs, abstracts) for index in range(first, min(first + batch, pieces))
                    ]
                    if exact:
                        pages = [self.publish(parent, page) for parent, page in made]
                    else:
                        pages = bulk_pages.publish(made, user=self.chief, sanitise=self.sanitise)
                    self.index(pages)
                if verbosity:
                    done = min(first + batch, pieces)
                    rate = (done - have) / (time.monotonic() - started)
                    self.stderr.write(f"已生成 {done}/{pieces} 篇（{rate:.0f} 篇/秒）")
        finally:
            publish_signals.connect()
            for model in PIECE_MODELS:
                post_save.connect(search_index_on_save, sender=model)

    @staticmethod
    def index(pages):
        """Admin search and the reference index ("usage") of new pages, once per page instead of on
        every save: the rows ``create_or_update_for_object`` would add to an empty index, in one insert."""
        ReferenceIndex.objects.bulk_create(
            [row for page in pages for row in bulk_pages.reference_rows(page)], batch_size=bulk_pages.INSERT_SLICE
        )
        with bulk_search.each_value_once():  # the saved pages themselves, as Wagtail's post_save handler indexes them
            bulk_search.add_new(get_search_backend(), {m: [p for p in pages if type(p) is m] for m in PIECE_MODELS})

    def sanitise(self, page):
        """What the revision signal's sanitiser changes in a piece: nothing when its only HTML, the
        body's paragraphs, came out of ``body`` in a shape the sanitiser keeps as it is."""
        return [] if page.slug in self.kept else sanitise_page(page)

    # -- shared things, made once ------------------------------------------------------------

    def prepare(self):
        self.kept = set()  # slugs of pieces whose HTML the sanitiser keeps as it is (see sanitise)
        self.chief = User.objects.get(username="chief")
        self.programmes = list(ProgrammePage.objects.order_by("home_order", "pk"))
        self.institutes = list(Institute.objects.order_by("name"))
        self.audiences = list(Audience.objects.order_by("sort_order"))
        self.subjects = list(Subject.objects.order_by("name"))
        self.tags = {}
        for name in TOPICS:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            self.tags[name] = tag
        self.portraits = [self.image(f"基准肖像 {k}", images.portrait, f"bench-portrait-{k}") for k in range(PORTRAITS)]
        self.illustrations = [
            self.image(f"基准插图 {k}", images.illustration, f"bench-illustration-{k}") for k in range(ILLUSTRATIONS)
        ]
        self.columns = [self.column(p) for p in self.programmes]
        self.next_issue = {
            c.pk: (max(ColumnArticlePage.objects.child_of(c).values_list("issue_number", flat=True), default=0) + 1)
            for c in self.columns
        }
        self.last_story = {}
        for programme in self.programmes:
            self.last_story[programme.pk] = (
                StoryPage.objects.child_of(programme).filter(slug__startswith=SLUG_PREFIX).order_by("-slug").first()
            )

    def image(self, title, draw, seed):
        """The image called ``title``, drawn (``draw(seed)``: PNG bytes) only if it is not there yet."""
        existing = Image.objects.filter(title=title).first()
        return existing or Image.objects.create(title=title, file=ContentFile(draw(seed), name="bench.png"))

    def column(self, programme):
        existing = ColumnPage.objects.child_of(programme).filter(slug=COLUMN_SLUG).first()
        if existing:
            return existing
        column = ColumnPage(
            title=f"基准专栏·{programme.title}",
            slug=COLUMN_SLUG,
            cadence="weekly",
            introduction=f"<p>基准测试生成的专栏，文章取自公开的中文维基百科段落。{data.SAMPLE_NOTE}</p>",
            column_editor=User.objects.get(username="editor"),
        )
        self.publish(programme, column)
        return column

    def publish(self, parent, page):
        parent.add_child(instance=page)
        page.save_revision(user=self.chief, clean=False).publish(user=self.chief)
        return page

    # -- the pieces ----------------------------------------------------------------------------

    def body(self, index, records, alt_subject):
        html = ["".join(f"<p>{_html_escape(r.text)}</p>" for r in records), _attribution(records)]
        blocks = [{"type": "paragraph", "value": html[0]}]
        if index % 4 == 0:
            image = self.illustrations[index % ILLUSTRATIONS]
            blocks.append(
                {
                    "type": "image",
                    "value": {
                        "image": {"image": image.pk, "alt_text": f"示意插图：{alt_subject}", "decorative": False},
                        "caption": "程序生成的示意插图",
                        "credit": "Kepu 基准测试",
                    },
                }
            )
        blocks.append({"type": "paragraph", "value": html[1]})
        if all(map(bulk_pages.kept_as_is, html)):
            self.kept.add(slug_of(index))
        return blocks

    def topic_tags(self, index, count):
        names = [TOPICS[(index * 7 + k * 13) % len(TOPICS)] for k in range(count)]
        return [self.tags[name] for name in dict.fromkeys(names)]

    def piece(self, index, paragraphs, abstracts):
        """(parent, unsaved piece ``index``): its kind, programme and records follow from the number alone."""
        kind, position = piece_kind(index), index % 10
        programme = self.programmes[(index // 10) % len(self.programmes)]
        base = index // 10 * 19  # a block of ten uses 5 × 3 + 2 × 2 paragraphs and 3 abstracts

        def take(start, count):
            return [paragraphs[(base + start + k) % len(paragraphs)] for k in range(count)]

        if kind == "story":
            return self.story(index, programme, take(position * 3, 3))
        if kind == "article":
            return self.article(index, programme, take(15 + (position - 5) * 2, 2))
        return self.resource(index, programme, abstracts[(index // 10 * 3 + position - 7) % len(abstracts)])

    @staticmethod
    def title(record, index, limit=200):
        return f"{record.title[: limit - 10]}（{index + 1}）"

    def story(self, index, programme, records):
        lead = records[0]
        discipline = DISCIPLINES[index % len(DISCIPLINES)]
        story = StoryPage(
            title=self.title(lead, index),
            slug=slug_of(index),
            scientist_name=lead.title[:50],
            discipline=discipline,
            summary=lead.text[:120],
            portrait=self.portraits[index % PORTRAITS],
            portrait_alt=f"{lead.title[:60]}的示意肖像（程序生成的抽象人像，不是照片）",
            body=self.body(index, records, lead.title),
        )
        story.sources = [StorySource(title=f"维基百科：{r.title}", url=r.url) for r in records]
        previous = self.last_story.get(programme.pk)
        if previous is not None:
            story.related_stories = [StoryRelatedStory(story=previous)]
        story.tags.add(*self.topic_tags(index, 3))
        self.last_story[programme.pk] = story
        return programme, story

    def article(self, index, programme, records):
        column = self.columns[self.programmes.index(programme)]
        issue = self.next_issue[column.pk]
        self.next_issue[column.pk] = issue + 1
        lead = records[0]
        article = ColumnArticlePage(
            title=self.title(lead, index),
            slug=slug_of(index),
            issue_number=issue,
            date=START_DATE + datetime.timedelta(days=index // 3),
            summary=lead.text[:120],
            body=self.body(index, records, lead.title),
        )
        featured = self.last_story.get(programme.pk)
        if featured is not None:
            article.featured_scientists = [FeaturedScientist(story=featured)]
        article.tags.add(*self.topic_tags(index, 2))
        return column, article

    def resource(self, index, programme, record):
        kinds = [k for k in ResourcePage.Kind.values if k != "courseware"]
        licences = [v for v in ResourcePage.Licence.values if v != "all-rights-reserved"]
        resource = ResourcePage(
            title=self.title(record, index),
            slug=slug_of(index),
            kind=kinds[index % len(kinds)],
            institute=self.institutes[index % len(self.institutes)],
            licence=licences[index % len(licences)],
            summary=record.text[:120],
            external_url=f"https://example.org/kepu/{slug_of(index)}",
            body=self.body(index, [record], record.title),
        )
        resource.audiences = [
            self.audiences[index % len(self.audiences)],
            self.audiences[(index + 1) % len(self.audiences)],
        ]
        resource.subjects = [self.subjects[index % len(self.subjects)]]
        resource.tags.add(*self.topic_tags(index, 2))
        return programme, resource
