"""The editorial workflows, made of Wagtail tasks, and the groups that approve them.

Tasks: 自动筛查 (ScreeningTask) and 初审 / 终审 (ReviewTask: a group approval whose
rejection needs a comment).

编辑审核 (stories, columns, articles: the whole tree from the home page):
    自动筛查 → 初审 (审核) → 终审 (主编)
机构投稿审核 (each institute contribution area, assigned when the area is created):
    自动筛查 → 初审 (审核) → 终审 (主编)
应急科普 (chosen by the "按应急科普流程提交" button): 自动筛查 → 终审 (主编)

Idempotent: existing tasks and workflows with these names are reused.
"""

from django.db import migrations

WORKFLOWS = {
    "编辑审核": ["自动筛查", "初审", "终审"],
    "机构投稿审核": ["自动筛查", "初审", "终审"],
    "应急科普": ["自动筛查", "终审"],
}
APPROVERS = {"初审": "审核", "终审": "主编"}


def create_workflows(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    ReviewTask = apps.get_model("moderation", "ReviewTask")
    ScreeningTask = apps.get_model("moderation", "ScreeningTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    HomePage = apps.get_model("core", "HomePage")

    screening_type, _ = ContentType.objects.get_or_create(app_label="moderation", model="screeningtask")
    approval_type, _ = ContentType.objects.get_or_create(app_label="moderation", model="reviewtask")

    tasks = {}
    screening = ScreeningTask.objects.filter(name="自动筛查").first()
    tasks["自动筛查"] = screening or ScreeningTask.objects.create(name="自动筛查", content_type=screening_type)
    for name, group_name in APPROVERS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        task = ReviewTask.objects.filter(name=name).first()
        if task is None:
            task = ReviewTask.objects.create(name=name, content_type=approval_type)
        task.groups.add(group)
        tasks[name] = task

    for workflow_name, task_names in WORKFLOWS.items():
        workflow, _ = Workflow.objects.get_or_create(name=workflow_name)
        for order, task_name in enumerate(task_names):
            WorkflowTask.objects.update_or_create(
                workflow=workflow, task_id=tasks[task_name].pk, defaults={"sort_order": order}
            )

    editorial = Workflow.objects.get(name="编辑审核")
    for home in HomePage.objects.all():
        WorkflowPage.objects.update_or_create(page_id=home.pk, defaults={"workflow": editorial})


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("core", "0003_create_homepage"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_workflows, migrations.RunPython.noop)]
