"""The two desk roles as groups: 记者 (reporters) and 编辑 (editors).

Permissions are normally created after all migrations have run; create them here first so a
fresh database gets complete groups in one `migrate`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = "记者"
EDITOR = "编辑"

# Reporters write: their own drafts with sections, figures and bylines (the admin narrows
# "change" and "delete" to their own drafts). They read the rest and cannot publish.
REPORTER_PERMISSIONS = [
    "add_article", "change_article", "delete_article", "view_article",
    "add_section", "change_section", "delete_section", "view_section",
    "add_figure", "change_figure", "delete_figure", "view_figure",
    "add_articleauthor", "change_articleauthor", "delete_articleauthor", "view_articleauthor",
    "add_author", "view_author",
    "view_column",
    "view_correction",
]


def make_groups(apps, schema_editor):
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    in_app = Permission.objects.filter(content_type__app_label="articles")

    reporter, _ = Group.objects.get_or_create(name=REPORTER)
    reporter.permissions.set(in_app.filter(codename__in=REPORTER_PERMISSIONS))
    # Editors do everything in the articles app, publishing included.
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.set(in_app)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[REPORTER, EDITOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_article_created_by_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
