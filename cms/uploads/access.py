"""Who may download an upload from the CMS: the staff who may use it in the admin.

An image or document is downloadable by a user who may add to, choose from or change in its
collection (or who uploaded it): editors and chief editors everywhere, reviewers everywhere they
review, an institute contributor only in their institute's collection (cms/moderation/roles.py).
Nobody else, and never anonymously: the public gets the files of live pages from the static site,
into which the publish step copies them.
"""

from wagtail.documents import get_permission_policy as document_policy
from wagtail.images import get_permission_policy as image_policy

ACTIONS = ["add", "choose", "change"]


def may_download_image(user, image):
    return user.is_authenticated and image_policy().user_has_any_permission_for_instance(user, ACTIONS, image)


def may_download_document(user, document):
    return user.is_authenticated and document_policy().user_has_any_permission_for_instance(user, ACTIONS, document)
