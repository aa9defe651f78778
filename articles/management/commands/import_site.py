from django.core.management.base import BaseCommand, CommandError

from articles.archive import ArchiveError, import_archive


class Command(BaseCommand):
    help = (
        "Load a site archive written by export_site. The whole archive is checked first; "
        "rows load in one transaction and media files are written after it, so a damaged "
        "or partial archive changes nothing. An archive exported without --include-users "
        "leaves this site's user accounts as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the site's current content first (in the same transaction)",
        )

    def handle(self, *args, archive, replace, **options):
        try:
            rows, files, with_users = import_archive(archive, replace=replace)
        except ArchiveError as exc:
            raise CommandError(f"Refused {archive}: {exc}. Nothing was changed.") from None
        self.stdout.write(
            self.style.SUCCESS(f"Imported {rows} rows and {files} media files from {archive}.")
        )
        if not with_users:
            self.stdout.write(
                "The archive holds no user accounts (exported without --include-users): this "
                "site's accounts were kept; create staff accounts with createsuperuser if it "
                "has none."
            )
