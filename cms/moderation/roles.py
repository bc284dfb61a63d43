"""The editorial roles as Wagtail groups with page and collection permissions.

``ensure_roles()`` is idempotent: it creates what is missing and resets each role's
permissions to exactly what is declared here. Run it with ``manage.py setup_roles``;
the sample loader calls it too.

Institute contributors: every institute gets its own group (机构投稿人·<机构名>) and its own
collection (机构投稿·<机构名>). A user in the 机构投稿人 role whose ``institute`` is set is
kept in exactly that institute's group (signals.py). The institute group may add and edit
pages only under the institute's contribution areas (resources.ContributionAreaPage), which
use the 机构投稿审核 workflow; it has no permission anywhere else in the page tree, so Wagtail
hides everything else from it.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Workflow, WorkflowPage

EDITOR = "编辑"
REVIEWER = "审核"
CHIEF_EDITOR = "主编"
CONTRIBUTOR = "机构投稿人"
EXPERT = "评审专家"
INSTITUTE_GROUP_PREFIX = "机构投稿人·"
INSTITUTE_COLLECTION_PREFIX = "机构投稿·"

EDITORIAL_WORKFLOW = "编辑审核"
CONTRIBUTION_WORKFLOW = "机构投稿审核"
URGENT_WORKFLOW = "应急科普"

ROLE_LABELS = {
    EDITOR: _("编辑：撰写和修改稿件，不能发布"),
    REVIEWER: _("审核：初审"),
    CHIEF_EDITOR: _("主编：终审、发布、定时发布与撤下"),
    CONTRIBUTOR: _("机构投稿人：只为本机构撰写科普资源"),
    EXPERT: _("评审专家：为分配给自己的推荐评分"),
}

# Page permissions on the home page (and so the whole tree) for each editorial role.
PAGE_PERMISSIONS = {
    EDITOR: ["add_page", "change_page"],
    REVIEWER: ["change_page"],
    CHIEF_EDITOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    CONTRIBUTOR: [],  # granted per institute contribution area
    EXPERT: [],
}
CONTRIBUTION_AREA_PERMISSIONS = ["add_page", "change_page"]

COLLECTION_PERMISSIONS = {
    EDITOR: ["add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"],
    REVIEWER: ["choose_image", "choose_document"],
    CHIEF_EDITOR: [
        "add_image", "change_image", "delete_image", "choose_image",
        "add_document", "change_document", "delete_document", "choose_document",
    ],
    CONTRIBUTOR: [],  # granted on the institute's own collection
    EXPERT: [],
}
INSTITUTE_COLLECTION_PERMISSIONS = ["add_image", "choose_image", "add_document", "choose_document"]

MODEL_PERMISSIONS = {
    EDITOR: ["wagtailadmin.access_admin", "taggit.add_tag", "factcheck.view_expert", "reach.view_reach_reports"],
    REVIEWER: ["wagtailadmin.access_admin", "reach.view_reach_reports"],
    CHIEF_EDITOR: [
        "wagtailadmin.access_admin", "taggit.add_tag", "taggit.change_tag", "reach.view_reach_reports",
        "core.add_institute", "core.change_institute",
        "resources.add_subject", "resources.change_subject",
        *(f"nominations.{action}_{model}" for model in ("call", "round", "nomination", "objection")
          for action in ("add", "change", "view")),
        "imports.add_importbatch",
        "factcheck.add_expert", "factcheck.change_expert", "factcheck.view_expert",
        "factcheck.add_emergencyalert", "factcheck.change_emergencyalert", "factcheck.view_emergencyalert",
    ],
    CONTRIBUTOR: ["wagtailadmin.access_admin", "nominations.add_nomination", "nominations.change_nomination",
                  "nominations.view_nomination", "imports.add_importbatch"],
    EXPERT: ["wagtailadmin.access_admin"],
}
# Editors enter nominations for any unit and record 公示 objections; reviewers read them.
MODEL_PERMISSIONS[EDITOR] += [
    "nominations.view_call", "nominations.view_round", "nominations.add_nomination", "nominations.change_nomination",
    "nominations.view_nomination", "nominations.add_objection", "nominations.change_objection",
    "nominations.view_objection", "imports.add_importbatch",
]
MODEL_PERMISSIONS[REVIEWER] += ["nominations.view_call", "nominations.view_nomination"]
# The Traditional mirror's fixed pairs: editors add and change them, chief editors also delete them and
# set the mirror up (cms/hant).
MODEL_PERMISSIONS[EDITOR] += ["hant.add_termpair", "hant.change_termpair", "hant.view_termpair"]
MODEL_PERMISSIONS[CHIEF_EDITOR] += [f"hant.{action}_termpair" for action in ("add", "change", "delete", "view")] + [
    "hant.change_mirrorsettings"]
# Preview links for outside experts (cms/previews), on the pages each may edit.
for _role in (EDITOR, REVIEWER, CHIEF_EDITOR):
    MODEL_PERMISSIONS[_role] += ["previews.add_previewlink"]


def _permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _collection_permission(codename):
    return _permission(f"wagtail{'images' if codename.endswith('image') else 'docs'}.{codename}")


def _set_page_permissions(group, page, codenames):
    GroupPagePermission.objects.filter(group=group, page=page).exclude(permission__codename__in=codenames).delete()
    for codename in codenames:
        permission = _permission(f"wagtailcore.{codename}")
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _set_collection_permissions(group, collection, codenames):
    wanted = [_collection_permission(c) for c in codenames]
    GroupCollectionPermission.objects.filter(group=group, collection=collection).exclude(permission__in=wanted).delete()
    for permission in wanted:
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


def ensure_roles():
    """Create or update the four editorial groups and every institute's access. Returns {name: Group}."""
    home = Page.get_first_root_node().get_children().first()
    root_collection = Collection.get_first_root_node()
    groups = {}
    for name in PAGE_PERMISSIONS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([_permission(p) for p in MODEL_PERMISSIONS[name]])
        _set_page_permissions(group, home, PAGE_PERMISSIONS[name])
        _set_collection_permissions(group, root_collection, COLLECTION_PERMISSIONS[name])
        groups[name] = group

    from cms.core.models import Institute, User
    from cms.resources.models import ContributionAreaPage

    for institute in Institute.objects.all():
        ensure_institute_access(institute)
    for area in ContributionAreaPage.objects.all():
        grant_contribution_area(area)
    for user in User.objects.filter(groups__name=CONTRIBUTOR):
        sync_contributor(user)
    return groups


def institute_group(institute):
    group, _created = Group.objects.get_or_create(name=f"{INSTITUTE_GROUP_PREFIX}{institute.name}"[:150])
    return group


def institute_collection(institute):
    root = Collection.get_first_root_node()
    name = f"{INSTITUTE_COLLECTION_PREFIX}{institute.name}"
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def ensure_institute_access(institute):
    """The institute's group: admin access and its own image and document collection."""
    group = institute_group(institute)
    group.permissions.set([_permission("wagtailadmin.access_admin")])
    _set_collection_permissions(group, institute_collection(institute), INSTITUTE_COLLECTION_PERMISSIONS)
    return group


def grant_contribution_area(area):
    """Let the area's institute draft resources there, under the 机构投稿审核 workflow."""
    group = ensure_institute_access(area.institute)
    _set_page_permissions(group, area, CONTRIBUTION_AREA_PERMISSIONS)
    workflow = Workflow.objects.filter(name=CONTRIBUTION_WORKFLOW, active=True).first()
    if workflow is not None:
        WorkflowPage.objects.update_or_create(page=area, defaults={"workflow": workflow})


def is_contributor(user):
    """A user whose only role is institute contributor (not editorial staff, not admin)."""
    if user.is_superuser:
        return False
    names = set(user.groups.values_list("name", flat=True))
    return CONTRIBUTOR in names and not names & {EDITOR, REVIEWER, CHIEF_EDITOR}


def sync_contributor(user):
    """Keep a contributor in exactly their institute's group (and no other institute's)."""
    in_role = user.groups.filter(name=CONTRIBUTOR).exists()
    wanted = institute_group(user.institute) if in_role and user.institute_id else None
    current = user.groups.filter(name__startswith=INSTITUTE_GROUP_PREFIX)
    stale = current.exclude(pk=wanted.pk) if wanted else current
    if stale.exists():
        user.groups.remove(*stale)
    if wanted is not None and not current.filter(pk=wanted.pk).exists():
        user.groups.add(wanted)

