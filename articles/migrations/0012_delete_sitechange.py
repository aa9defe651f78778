# The site's last change time moved out of the database: the page cache's generation
# (articles/pagecache.py) is a token in the cache, changed after each commit.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0011_print_page_name_editors_source_byline_role"),
    ]

    operations = [
        migrations.DeleteModel(
            name="SiteChange",
        ),
    ]
