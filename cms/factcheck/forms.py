"""Admin forms of the trust pages."""

from cms.core.corrections import RetractionFormMixin
from cms.core.forms import KepuPageForm


class TrustPageForm(KepuPageForm):
    pass


class DebunkForm(RetractionFormMixin, KepuPageForm):
    """A debunk: only a chief editor may retract it (the reason is required by the model)."""
