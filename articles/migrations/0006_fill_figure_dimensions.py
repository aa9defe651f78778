"""Record the width and height of originals saved without them.

The seed loader used to save its stand-in pictures from a nameless ContentFile, and Django's
ImageField then leaves width and height empty. An empty dimension makes Django open the
original to measure it every time the figure is loaded from the database: on every page
view, and over the network with S3. Rows are read as values, never as models, so a missing
file cannot stop the migration (its figure simply stays unmeasured).
"""

from django.core.files.images import get_image_dimensions
from django.db import migrations
from django.db.models import Q


def fill_dimensions(apps, schema_editor):
    Figure = apps.get_model("articles", "Figure")
    storage = Figure._meta.get_field("image").storage
    unmeasured = (
        Figure.objects.exclude(image="").filter(Q(width__isnull=True) | Q(height__isnull=True))
    )
    for pk, name in unmeasured.values_list("pk", "image"):
        try:
            with storage.open(name) as original:
                width, height = get_image_dimensions(original)
        except OSError:
            continue
        if width and height:
            Figure.objects.filter(pk=pk).update(width=width, height=height)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_site_change"),
    ]

    operations = [
        migrations.RunPython(fill_dimensions, migrations.RunPython.noop, elidable=True),
    ]
