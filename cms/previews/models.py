"""A preview link: a page's latest draft shown to one named outside person, until a moment.

The URL carries a random token; only its SHA-256 is stored, so the table does not give the
links away. A link shows the page it was made for, nothing else, whatever the token's holder
asks for; every view is a log entry in the page's history (``previews.view``).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 30
DEFAULT_DAYS = 7


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class PreviewLinkQuerySet(models.QuerySet):
    def for_token(self, token):
        """The link a token opens, whatever its state (None for a token that never was one)."""
        if not token or len(token) > 100:
            return None
        return self.select_related("page").filter(token_hash=token_digest(token)).first()

    def valid(self, at=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())


class PreviewLink(models.Model):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="preview_links",
                             verbose_name=_("页面"))
    name = models.CharField(_("外审专家姓名"), max_length=100)
    organisation = models.CharField(_("单位"), max_length=200)
    email = models.EmailField(_("电子邮箱"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("有效期至"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("创建人"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("撤销人"))

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("外审预览链接")
        verbose_name_plural = _("外审预览链接")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.organisation}）"

    def clean(self):
        start = self.created_at or timezone.now()
        if self.expires_at is not None:
            if self.expires_at <= start:
                raise ValidationError({"expires_at": _("有效期必须晚于现在。")})
            if self.expires_at > start + timedelta(days=MAX_DAYS):
                raise ValidationError({"expires_at": _("有效期最长为 %(days)s 天。") % {"days": MAX_DAYS}})

    @classmethod
    def issue(cls, *, page, name, organisation, email="", expires_at=None, user=None):
        """A new link and its token (shown once: only its digest is kept)."""
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        link = cls(page=page, name=name, organisation=organisation, email=email, created_at=now, created_by=user,
                   expires_at=expires_at or now + timedelta(days=DEFAULT_DAYS), token_hash=token_digest(token))
        link.full_clean()
        link.save()
        return link, token

    @property
    def state(self):
        """``valid``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "valid"

    @property
    def state_label(self):
        return {"valid": _("有效"), "expired": _("已过期"), "revoked": _("已撤销")}[self.state]

    def revoke(self, user):
        """Revoke once (a second revocation keeps the first's time and person). True if revoked now."""
        updated = type(self).objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=user)
        self.refresh_from_db(fields=["revoked_at", "revoked_by"])
        return bool(updated)
