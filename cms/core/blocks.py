"""StreamField blocks shared by stories, column articles and resources."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from .validators import validate_past_year


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", settings.KEPU_RICHTEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("正文")


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("图片"))
    caption = blocks.CharBlock(label=_("图注"), required=False, max_length=300)
    credit = blocks.CharBlock(label=_("图片来源"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("图片")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引语"), max_length=1000)
    attribution = blocks.CharBlock(label=_("出处 / 说话人"), max_length=200)

    class Meta:
        icon = "openquote"
        label = _("引语")


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("视频链接"), help_text=_("视频页面的网址，例如机构视频平台上的播放页。"))
    caption = blocks.CharBlock(label=_("说明"), required=False, max_length=300)

    class Meta:
        icon = "media"
        label = _("视频")


class TimelineEventBlock(blocks.StructBlock):
    year = blocks.IntegerBlock(label=_("年份"), validators=[validate_past_year])
    month = blocks.IntegerBlock(label=_("月份"), required=False, min_value=1, max_value=12)
    event = blocks.CharBlock(label=_("事件"), max_length=300)

    class Meta:
        icon = "date"
        label = _("事件")


class TimelineBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("标题"), required=False, max_length=100)
    events = blocks.ListBlock(TimelineEventBlock(), label=_("事件"), min_num=1)

    def clean(self, value):
        value = super().clean(value)
        keys = [(e["year"], e["month"] or 0) for e in value["events"]]
        if keys != sorted(keys):
            raise StructBlockValidationError(
                block_errors={"events": ValidationError(_("时间线中的事件请按时间先后排列。"))}
            )
        return value

    class Meta:
        icon = "history"
        label = _("时间线")


class BodyBlock(blocks.StreamBlock):
    paragraph = RichTextBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    timeline = TimelineBlock()

    class Meta:
        label = _("正文")
