import time

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.images.renditions import sync_renditions
from articles.models import Figure


class Command(BaseCommand):
    help = (
        "Make every figure's renditions again from its original (after a change of sizes or "
        "quality, say), showing progress. Old files are deleted once the new ones are saved."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="only make renditions that are missing or out of date; keep the rest",
        )
        parser.add_argument("--article", type=int, help="only the figures of this article id")

    def handle(self, *args, missing=False, article=None, **options):
        figures = Figure.objects.exclude(image="").order_by("article_id", "position", "id")
        if article is not None:
            figures = figures.filter(article_id=article)
        figures = figures.prefetch_related("renditions")
        total = figures.count()
        if not total:
            self.stdout.write("No figures with an image; nothing to do.")
            return
        made = failed = 0
        started = time.perf_counter()
        for number, figure in enumerate(figures.iterator(chunk_size=50), start=1):
            figure_started = time.perf_counter()
            try:
                # One transaction per figure: its old files go only once its new rows are in.
                with transaction.atomic():
                    count = sync_renditions(figure, force=not missing)
            except Exception as error:  # one broken original must not stop the other figures
                failed += 1
                self.stderr.write(f"[{number}/{total}] figure {figure.pk}: failed: {error}")
                continue
            made += count
            if options["verbosity"] < 1 or (missing and not count and options["verbosity"] < 2):
                continue  # with --missing, only the figures that needed work are listed
            self.stdout.write(
                f"[{number}/{total}] figure {figure.pk} (article {figure.article_id}): "
                f"{count} renditions made in {time.perf_counter() - figure_started:.2f} s"
            )
        summary = (
            f"Done: {made} renditions for {total - failed} of {total} figures "
            f"in {time.perf_counter() - started:.1f} s."
        )
        if failed:
            self.stdout.write(self.style.WARNING(f"{summary} {failed} failed (see above)."))
        elif options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(summary))
