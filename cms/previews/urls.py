from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/", views.preview, name="previews_root"),
    path("<str:token>/@comment/", views.comment, name="previews_comment"),
    path("<str:token>/<path:path>", views.preview, name="previews_page"),
]
