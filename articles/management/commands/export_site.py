from django.core.management.base import BaseCommand

from articles.archive import export_archive


class Command(BaseCommand):
    help = (
        "Write the whole site to one .tar.gz archive that import_site reads back: every row "
        "as JSON lines (published articles, drafts and scheduled ones, revisions, columns, "
        "authors, groups) and every media file (renditions, and the original photos with "
        "their EXIF and GPS data). It streams: memory stays flat however large the site; "
        "progress goes to stderr, the speed to the last line. The archive is private: it is "
        "written readable by its owner only (mode 0600). User accounts with their password "
        "hashes, and the admin's log, are left out unless --include-users is given; without "
        "them, articles and revisions no longer say who created them."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="where to write, e.g. site-2026-11-27.tar.gz")
        parser.add_argument(
            "--include-users",
            action="store_true",
            help=(
                "also export user accounts, with their password hashes, group memberships "
                "and the admin's log (to move a site with its staff)"
            ),
        )

    def handle(self, *args, archive, include_users, **options):
        progress = self.stderr if options["verbosity"] > 0 else None
        report = export_archive(archive, include_users=include_users, progress=progress)
        for name in report.missing:
            self.stderr.write(f"Warning: {name} is referred to but missing from storage.")
        if report.missing_count > len(report.missing):
            more = report.missing_count - len(report.missing)
            self.stderr.write(f"Warning: {more} more media files are missing from storage.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {report.rows} rows ({report.articles} articles) and {report.files} "
                f"media files to {archive}."
            )
        )
        self.stdout.write(f"Speed: {report.speed()}.")
        if include_users:
            self.stdout.write(
                self.style.WARNING(
                    "User accounts with their password hashes are included: keep the archive "
                    "as safe as the database itself."
                )
            )
        else:
            self.stdout.write(
                "User accounts and their password hashes were left out (pass --include-users "
                "to keep them); articles and revisions no longer name who created them."
            )
        self.stdout.write(
            "The archive holds drafts and original photos with their GPS data; it is readable "
            "by its owner only (mode 0600)."
        )
