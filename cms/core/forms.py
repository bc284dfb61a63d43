"""The admin form every Kepu page type builds on."""

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm

from .slugs import RESERVED_MESSAGE, is_automatic, is_reserved, pinyin_slug, unique_among_siblings


class KepuPageForm(WagtailAdminPageForm):
    """A new page whose slug Wagtail filled in from the Chinese title gets a latin one instead
    (cms/core/slugs.py), made unique among its siblings; a slug the editor typed stays, unless it is
    reserved (``page``): then the form says so on the slug field and nothing is saved."""

    def clean(self):
        slug = self.cleaned_data.get("slug")
        title = self.cleaned_data.get("title") or ""
        if not self.instance.pk and self.parent_page is not None and is_automatic(slug):
            latin = pinyin_slug(title)
            if latin:
                self.cleaned_data["slug"] = unique_among_siblings(latin, self.parent_page)
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        if slug and is_reserved(slug):
            self.add_error("slug", RESERVED_MESSAGE.format(slug=slug))
        return cleaned_data


class KepuCopyForm(CopyForm):
    """Wagtail's copy form (复制), which asks for the copy's slug itself (``new_slug``), refusing a reserved
    one as KepuPageForm does: a copy named ``page`` would stop every publish (cms/publish/paths.py).
    Every page type's ``copy_form_class`` (CoreConfig.ready)."""

    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("new_slug")
        if slug and is_reserved(slug):
            self.add_error("new_slug", RESERVED_MESSAGE.format(slug=slug))
        return cleaned_data
