"""Queue a publish whenever the public set of pages may have changed."""

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .tasks import request_publish


def _on_published(sender, instance, **kwargs):
    request_publish(f"发布：{instance.title}")


def _on_unpublished(sender, instance, **kwargs):
    request_publish(f"取消发布：{instance.title}")


def _on_moved(sender, instance, **kwargs):
    if kwargs.get("url_path_before") != kwargs.get("url_path_after") or kwargs.get("parent_page_before") != kwargs.get(
        "parent_page_after"
    ):
        request_publish(f"移动：{instance.title}")


def _on_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.live:
        request_publish(f"删除：{instance.title}")


def connect():
    page_published.connect(_on_published, dispatch_uid="kepu_publish_on_published")
    page_unpublished.connect(_on_unpublished, dispatch_uid="kepu_publish_on_unpublished")
    post_page_move.connect(_on_moved, dispatch_uid="kepu_publish_on_moved")
    post_delete.connect(_on_deleted, dispatch_uid="kepu_publish_on_deleted")
