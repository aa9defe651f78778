from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from qiantang_site.health import cache_ok
from qiantang_site.startup import ServiceUnavailable, check_database, describe_database


class Command(BaseCommand):
    help = "Check that the database and the cache answer; exit 1 with a clear message if not."

    def handle(self, *args, **options):
        try:
            check_database()
        except ServiceUnavailable as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Database: ok ({describe_database()})")
        # The site works without its cache (slower), so a dead cache is a warning only.
        if cache_ok():
            self.stdout.write(f"Cache: ok ({type(cache._connections['default']).__name__})")
        else:
            self.stderr.write("Cache: not answering; pages will be served without it (slower).")
