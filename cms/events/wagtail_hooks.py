from wagtail import hooks

from .views import EditorialCalendarViewSet


@hooks.register("register_admin_viewset")
def register_editorial_calendar():
    return EditorialCalendarViewSet()
