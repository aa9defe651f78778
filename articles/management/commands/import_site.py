from django.core.management.base import BaseCommand, CommandError

from articles.archive import ArchiveError, import_archive


class Command(BaseCommand):
    help = (
        "Load a site archive written by export_site. The whole archive is checked first; "
        "rows load in one transaction and media files are written after it, so a damaged "
        "or partial archive changes nothing. It streams: memory stays flat however large "
        "the archive; progress goes to stderr, the speed to the last line. An archive "
        "exported without --include-users leaves this site's user accounts as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the site's current content first (in the same transaction)",
        )

    def handle(self, *args, archive, replace, **options):
        progress = self.stderr if options["verbosity"] > 0 else None
        try:
            report = import_archive(archive, replace=replace, progress=progress)
        except ArchiveError as exc:
            raise CommandError(f"Refused {archive}: {exc}. Nothing was changed.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.rows} rows ({report.articles} articles) and {report.files} "
                f"media files from {archive}."
            )
        )
        self.stdout.write(f"Speed: {report.speed()}.")
        if not report.users:
            self.stdout.write(
                "The archive holds no user accounts (exported without --include-users): this "
                "site's accounts were kept; create staff accounts with createsuperuser if it "
                "has none."
            )
