"""The stored 应急科普 mark (cms.factcheck.emergency.UrgentPathMark), backfilled from the workflow
states: a story the 应急科普 workflow approved before this field existed is marked."""

from django.db import migrations, models

URGENT_WORKFLOW = "应急科普"  # cms.moderation.roles.URGENT_WORKFLOW when this migration was written


def mark_stories_the_urgent_workflow_approved(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    StoryPage = apps.get_model("stories", "StoryPage")
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    if page_type is None:
        return
    approved = WorkflowState.objects.filter(workflow__name=URGENT_WORKFLOW, status="approved",
                                            base_content_type=page_type)
    ids = {int(pk) for pk in approved.values_list("object_id", flat=True) if pk.isdigit()}
    StoryPage.objects.filter(pk__in=ids).update(through_urgent_path=True)


class Migration(migrations.Migration):

    dependencies = [
        ('stories', '0002_corrections_and_retraction'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.AddField(
            model_name='storypage',
            name='through_urgent_path',
            field=models.BooleanField(default=False, editable=False, help_text='应急科普流程批准发布时自动标记，网站上标明“应急科普”并列入应急科普专题页。', verbose_name='经应急科普流程发布'),
        ),
        migrations.RunPython(mark_stories_the_urgent_workflow_approved, migrations.RunPython.noop),
    ]
