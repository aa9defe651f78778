"""The desk editors (编辑) run the digital edition: its permissions go to their group.

The groups come from articles' 0003_editorial_groups; reporters (记者) get nothing here.
Permissions are normally created after all migrations have run; create them here first so a
fresh database gets a complete group in one `migrate`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "编辑"

# Papers are rarely added and never renamed by the desk: view and add only.
EDITOR_PERMISSIONS = [
    "add_edition",
    "change_edition",
    "delete_edition",
    "view_edition",
    "add_page",
    "change_page",
    "delete_page",
    "view_page",
    "add_pagerendition",
    "change_pagerendition",
    "delete_pagerendition",
    "view_pagerendition",
    "add_region",
    "change_region",
    "delete_region",
    "view_region",
    "add_publication",
    "view_publication",
]


def give_editors(apps, schema_editor):
    epaper = apps.get_app_config("epaper")
    epaper.models_module = True
    create_permissions(epaper, apps=apps, verbosity=0)
    epaper.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="epaper", codename__in=EDITOR_PERMISSIONS
        )
    )


def take_from_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor = Group.objects.filter(name=EDITOR).first()
    if editor is not None:
        editor.permissions.remove(*Permission.objects.filter(content_type__app_label="epaper"))


class Migration(migrations.Migration):
    dependencies = [
        ("epaper", "0001_initial"),
        ("articles", "0003_editorial_groups"),
    ]

    operations = [migrations.RunPython(give_editors, take_from_editors)]
