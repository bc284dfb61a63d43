"""Admin forms of the trust pages."""

from cms.core.forms import KepuPageForm

from .corrections import RetractionFormMixin


class TrustPageForm(KepuPageForm):
    pass


class DebunkForm(RetractionFormMixin, KepuPageForm):
    """A debunk: only a chief editor may retract it (the reason is required by the model)."""
