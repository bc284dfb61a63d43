from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("core.HomePage")

    # Replace the placeholder page wagtailcore.0002_initial_data creates.
    page_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_type, slug="home", depth=2).delete()
    Site.objects.all().delete()

    home_type, __ = ContentType.objects.get_or_create(model="homepage", app_label="core")
    home = HomePage.objects.create(
        title="Kepu 科普",
        draft_title="Kepu 科普",
        slug="home",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=Locale.objects.order_by("pk").first(),
        live=True,
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="Kepu 科普")


def remove_homepage(apps, schema_editor):
    apps.get_model("core.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_homepage_sitesettings_institute_logo")]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
