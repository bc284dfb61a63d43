from django.db import migrations

# Wagtail names its root page and root collection "Root". Administrators meet the page in the
# explorer's breadcrumbs, editors meet the collection in every image and document form.
NAMES = {"page": ("Root", "根页面"), "collection": ("Root", "根集合")}


def rename(apps, old, new):
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    Page.objects.filter(depth=1, title=old["page"]).update(title=new["page"], draft_title=new["page"])
    Collection.objects.filter(depth=1, name=old["collection"]).update(name=new["collection"])


def to_chinese(apps, schema_editor):
    rename(apps, {k: v[0] for k, v in NAMES.items()}, {k: v[1] for k, v in NAMES.items()})


def to_english(apps, schema_editor):
    rename(apps, {k: v[1] for k, v in NAMES.items()}, {k: v[0] for k, v in NAMES.items()})


class Migration(migrations.Migration):
    dependencies = [("core", "0003_create_homepage"), ("wagtailcore", "0025_collection_initial_data")]

    operations = [migrations.RunPython(to_chinese, to_english)]
