"""Record the width and height of page pictures rendered from PDFs, stored without them.

An empty dimension makes Django open the page picture to measure it every time the page is
loaded from the database (every reader request, over the network with S3; a 500 when the file
is gone). Rows are read as values, so a missing file cannot stop the migration.
"""

from django.core.files.images import get_image_dimensions
from django.db import migrations
from django.db.models import Q


def fill_dimensions(apps, schema_editor):
    Page = apps.get_model("epaper", "Page")
    storage = Page._meta.get_field("image").storage
    unmeasured = Page.objects.exclude(image="").filter(
        Q(width__isnull=True) | Q(height__isnull=True)
    )
    for pk, name in unmeasured.values_list("pk", "image"):
        try:
            with storage.open(name) as picture:
                width, height = get_image_dimensions(picture)
        except OSError:
            continue
        if width and height:
            Page.objects.filter(pk=pk).update(width=width, height=height)


class Migration(migrations.Migration):
    dependencies = [
        ("epaper", "0002_editor_permissions"),
    ]

    operations = [
        migrations.RunPython(fill_dimensions, migrations.RunPython.noop, elidable=True),
    ]
