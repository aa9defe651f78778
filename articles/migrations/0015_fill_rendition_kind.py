"""Fill Rendition.kind from the spec names renditions were stored under until now.

Every spec name began with its kind and a dash: webp-800, jpeg-1200, social-1200x630-50-50,
crop-16x9-50-50. This reads those prefixes once, here, as they were written; from now on the
kind is stored with each new rendition (images/renditions.py). Backwards, the kinds are
emptied again, as 0014 left them.
"""

from django.db import migrations

# The prefixes as the photo pipeline wrote them before this migration (frozen here on purpose:
# a migration must keep reading the rows of its time, whatever the pipeline names later).
KINDS = ("webp", "jpeg", "social", "crop")


def fill_kinds(apps, schema_editor):
    Rendition = apps.get_model("articles", "Rendition")
    for kind in KINDS:
        Rendition.objects.filter(kind="", spec__startswith=f"{kind}-").update(kind=kind)


def empty_kinds(apps, schema_editor):
    Rendition = apps.get_model("articles", "Rendition")
    Rendition.objects.update(kind="")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_rendition_kind"),
    ]

    operations = [
        migrations.RunPython(fill_kinds, empty_kinds, elidable=True),
    ]
