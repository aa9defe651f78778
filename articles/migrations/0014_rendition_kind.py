# Renditions say what they are for in a column of their own (images.render.Kind), instead of
# code reading it out of the spec's name. Existing rows get an empty kind here and their real
# one from their spec in 0015.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_figure_image_help_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="rendition",
            name="kind",
            field=models.CharField(
                choices=[
                    ("webp", "WebP（按宽度）"),
                    ("jpeg", "JPEG（后备）"),
                    ("social", "分享卡片"),
                    ("crop", "结构化数据裁切"),
                ],
                default="",
                max_length=10,
                verbose_name="用途",
            ),
            preserve_default=False,
        ),
    ]
