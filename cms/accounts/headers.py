"""The CMS's Content-Security-Policy (django-csp; the policy is CONTENT_SECURITY_POLICY in settings).

Wagtail 8's admin writes inline scripts for its widgets (choosers, date pickers, inline panels), so the
admin's own pages allow inline script, from the CMS itself only. The pages that render what editors
and contributors wrote (previews, drafts, revisions) get no script at all: a hostile link or tag in a
piece under review cannot run on the CMS's origin, where the reviewer is signed in.
"""

from csp.middleware import CSPMiddleware

NO_SCRIPT = {"script-src": ["'none'"], "connect-src": ["'none'"], "form-action": ["'none'"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        # Wagtail renders every preview, draft and revision through the middleware again, with a
        # request it marks as a dummy (wagtail.models.preview.PreviewableMixin.make_preview_request).
        if getattr(request, "is_dummy", False):
            parts.replace = {**(parts.replace or {}), **NO_SCRIPT}
        return parts
