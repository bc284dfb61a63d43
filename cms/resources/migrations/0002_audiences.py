from django.db import migrations

AUDIENCES = [("youth", "青少年"), ("public", "公众"), ("teachers", "教师"), ("researchers", "科技工作者")]


def create_audiences(apps, schema_editor):
    Audience = apps.get_model("resources.Audience")
    for order, (slug, name) in enumerate(AUDIENCES):
        Audience.objects.update_or_create(slug=slug, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(create_audiences, migrations.RunPython.noop)]
