"""Admin listings of one page type, shown in the menu only to people who can do something there.

Wagtail shows a page listing to anyone with any page permission somewhere; an institute contributor
(who may add resources only in their own 机构投稿区) would see 品牌项目, 科学家故事 and 学风传承专栏
with 添加 buttons that lead to no page they may add under. The menu item is shown when the person may
add the type under a page where it can live, or may edit a page of that type.
"""

from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.permission_policies.pages import PagePermissionPolicy


def can_work_on(user, model):
    policy = PagePermissionPolicy()
    parents = model.allowed_parent_page_models()
    if policy.instances_user_has_permission_for(user, "add").type(*parents).exists():
        return True
    return policy.instances_user_has_any_permission_for(user, {"change", "publish"}).type(model).exists()


class KepuPageListingViewSet(PageListingViewSet):
    @property
    def menu_item_class(self):
        model = self.model

        class ListingMenuItem(MenuItem):
            def is_shown(self, request):
                return can_work_on(request.user, model)

        return ListingMenuItem
