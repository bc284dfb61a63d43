"""The editorial roles as Wagtail groups with page and collection permissions.

``ensure_roles()`` is idempotent: it creates what is missing and resets each role's
permissions to exactly what is declared here. Run it with ``manage.py setup_roles``;
the sample loader calls it too.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

EDITOR = "编辑"
REVIEWER = "审核"
CHIEF_EDITOR = "主编"
CONTRIBUTOR = "机构投稿人"

ROLE_LABELS = {
    EDITOR: _("编辑：撰写和修改稿件，不能发布"),
    REVIEWER: _("审核：初审"),
    CHIEF_EDITOR: _("主编：终审、发布、定时发布与撤下"),
    CONTRIBUTOR: _("机构投稿人：只为本机构撰写科普资源"),
}

# Page permissions on the home page (and so the whole tree) for each editorial role.
PAGE_PERMISSIONS = {
    EDITOR: ["add_page", "change_page"],
    REVIEWER: ["change_page"],
    CHIEF_EDITOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    CONTRIBUTOR: [],  # granted per institute contribution area
}

COLLECTION_PERMISSIONS = {
    EDITOR: ["add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"],
    REVIEWER: ["choose_image", "choose_document"],
    CHIEF_EDITOR: [
        "add_image", "change_image", "delete_image", "choose_image",
        "add_document", "change_document", "delete_document", "choose_document",
    ],
    CONTRIBUTOR: ["add_image", "choose_image", "add_document", "choose_document"],
}

MODEL_PERMISSIONS = {
    EDITOR: ["wagtailadmin.access_admin", "taggit.add_tag"],
    REVIEWER: ["wagtailadmin.access_admin"],
    CHIEF_EDITOR: [
        "wagtailadmin.access_admin", "taggit.add_tag", "taggit.change_tag",
        "core.add_institute", "core.change_institute",
        "resources.add_subject", "resources.change_subject",
    ],
    CONTRIBUTOR: ["wagtailadmin.access_admin"],
}


def _permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_roles():
    """Create or update the four editorial groups. Returns {name: Group}."""
    home = Page.get_first_root_node().get_children().first()
    root_collection = Collection.get_first_root_node()
    groups = {}
    for name in PAGE_PERMISSIONS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([_permission(p) for p in MODEL_PERMISSIONS[name]])

        GroupPagePermission.objects.filter(group=group, page=home).exclude(
            permission__codename__in=PAGE_PERMISSIONS[name]
        ).delete()
        for codename in PAGE_PERMISSIONS[name]:
            GroupPagePermission.objects.get_or_create(
                group=group, page=home, permission=_permission(f"wagtailcore.{codename}")
            )

        wanted = [
            _permission(f"wagtail{'images' if c.endswith('image') else 'docs'}.{c}")
            for c in COLLECTION_PERMISSIONS[name]
        ]
        GroupCollectionPermission.objects.filter(group=group, collection=root_collection).exclude(
            permission__in=wanted
        ).delete()
        for permission in wanted:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
        groups[name] = group
    return groups
