"""Admin forms of the 学风建设 pages."""

from django.utils.translation import gettext_lazy as _

from cms.core.corrections import RetractionFormMixin, is_chief_editor
from cms.core.forms import KepuPageForm


class IntegritySectionForm(KepuPageForm):
    pass


class IntegrityDocumentForm(RetractionFormMixin, KepuPageForm):
    """Personal names in a case notice reach the public only once a chief editor confirms them;
    anyone else changing the names withdraws the confirmation."""

    def clean(self):
        cleaned_data = super().clean()
        chief = is_chief_editor(getattr(self, "for_user", None))
        names = " ".join((cleaned_data.get("named_persons") or "").split())
        confirmed = cleaned_data.get("names_confirmed", False)
        # Before _post_clean the instance still holds the latest revision's values.
        names_changed = names != " ".join(self.instance.named_persons.split())
        if not chief:
            if confirmed and not self.instance.names_confirmed:
                self.add_error("names_confirmed", _("只有主编可以确认公开当事人姓名。"))
            elif names_changed:
                cleaned_data["names_confirmed"] = False
        if not names:
            cleaned_data["names_confirmed"] = False
        return cleaned_data
