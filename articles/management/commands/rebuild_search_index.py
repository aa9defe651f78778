import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles import pagecache, search
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Index every article again for search (after a change to how text is indexed, or edits "
        "made in the database by hand), with a progress bar. A chunk of articles at a time, "
        "each in its own transaction: memory stays flat and search keeps working meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk",
            type=int,
            default=search.index.CHUNK,
            help="articles read and written per transaction (default %(default)s)",
        )

    def handle(self, *args, chunk=search.index.CHUNK, **options):
        if chunk < 1:
            chunk = search.index.CHUNK
        total = Article.objects.count()
        started = time.perf_counter()
        written = 0
        # The bar goes to stderr, the summary to stdout: `> log` keeps the figures only.
        with tqdm(
            total=total,
            unit="篇",
            desc="重建搜索索引",
            disable=options["verbosity"] < 1,
            file=self.stderr._out,
            dynamic_ncols=True,
        ) as bar:
            for count in search.rebuild(chunk=chunk):
                written += count
                bar.update(count)
        # Search result pages stored before may be out of date now (the page cache's generation).
        pagecache.bump()
        seconds = time.perf_counter() - started
        rate = written / seconds if seconds else 0
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Indexed {written} articles in {seconds:.1f} s ({rate:.0f} articles/s); "
                    f"the index holds {search.indexed_count()} rows."
                )
            )
