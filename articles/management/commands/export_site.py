from django.core.management.base import BaseCommand

from articles.archive import export_archive


class Command(BaseCommand):
    help = (
        "Write the whole site (every row as JSON, and every media file) to one .tar.gz "
        "archive that import_site reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="where to write, e.g. site-2026-11-27.tar.gz")

    def handle(self, *args, archive, **options):
        rows, files, missing = export_archive(archive)
        for name in missing:
            self.stderr.write(f"Warning: {name} is referred to but missing from storage.")
        self.stdout.write(
            self.style.SUCCESS(f"Exported {rows} rows and {files} media files to {archive}.")
        )
