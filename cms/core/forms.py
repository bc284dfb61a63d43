"""The admin form every Kepu page type builds on."""

from wagtail.admin.forms import WagtailAdminPageForm

from .slugs import is_automatic, pinyin_slug, unique_among_siblings


class KepuPageForm(WagtailAdminPageForm):
    """A new page whose slug Wagtail filled in from the Chinese title gets a latin one instead
    (cms/core/slugs.py), made unique among its siblings; a slug the editor typed stays."""

    def clean(self):
        slug = self.cleaned_data.get("slug")
        title = self.cleaned_data.get("title") or ""
        if not self.instance.pk and self.parent_page is not None and is_automatic(slug):
            latin = pinyin_slug(title)
            if latin:
                self.cleaned_data["slug"] = unique_among_siblings(latin, self.parent_page)
        return super().clean()
