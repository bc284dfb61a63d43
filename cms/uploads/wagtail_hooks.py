from django.core.exceptions import PermissionDenied
from wagtail import hooks

from .access import may_download_document


@hooks.register("before_serve_document")
def only_staff_who_may_use_it(document, request):
    """/documents/<id>/<name> (Wagtail's serve view) answers 403 to everyone else."""
    if not may_download_document(request.user, document):
        raise PermissionDenied
