"""Who sees which nominations: editorial staff all of them, a nominating unit's contributors only
their unit's (the unit's institute is the contributor's institute), nobody else any.

Wagtail's model permission policy answers the model-level question (the groups' add / change /
view permissions, see cms/moderation/roles.py); this policy narrows it to instances.
"""

from wagtail.permission_policies.base import ModelPermissionPolicy

from cms.moderation.roles import CHIEF_EDITOR, EDITOR, REVIEWER

STAFF = (EDITOR, REVIEWER, CHIEF_EDITOR)


def is_staff(user):
    return user.is_active and (user.is_superuser or user.groups.filter(name__in=STAFF).exists())


def is_chief(user):
    return user.is_active and (user.is_superuser or user.groups.filter(name=CHIEF_EDITOR).exists())


class UnitPermissionPolicy(ModelPermissionPolicy):
    """For models with a nominating unit (``unit_path`` leads from the model to NominatingUnit)."""

    def __init__(self, model, unit_path="unit"):
        super().__init__(model)
        self.unit_path = unit_path

    def visible_to(self, user, queryset=None):
        queryset = self.model._default_manager.all() if queryset is None else queryset
        if not user.is_authenticated:
            return queryset.none()
        if is_staff(user):
            return queryset
        if user.institute_id:
            return queryset.filter(**{f"{self.unit_path}__institute_id": user.institute_id})
        return queryset.none()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.visible_to(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.instances_user_has_any_permission_for(user, actions).filter(pk=instance.pk).exists()


def units_for(user, queryset):
    """The nominating units a user may nominate for, among ``queryset``."""
    if is_staff(user):
        return queryset
    if user.institute_id:
        return queryset.filter(institute_id=user.institute_id)
    return queryset.none()
