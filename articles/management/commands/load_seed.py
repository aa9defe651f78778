from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.build import import_print_page
from articles.models import Article, PrintSource
from articles.printpage import decode, normalize, parse
from articles.publishing import publish_problems
from articles.standins import standin_jpeg

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
TEXT = SEED_DIR / "qiantang-print-page.txt"
EXTERNAL_ID = "seed:qiantang-print-page"


class Command(BaseCommand):
    help = "Load the first article (the Qiantang print page) once; later runs change nothing."

    def handle(self, *args, **options):
        existing = Article.objects.filter(external_id=EXTERNAL_ID).first()
        if existing:
            self.stdout.write(
                f"The first article is already loaded (id {existing.pk}); nothing changed."
            )
            return
        # Through the same reader staff use in the admin: the shipped raw text is the source.
        page = parse(decode(TEXT.read_bytes()))
        for warning in page.warnings:
            # The shipped page reads without any (tests/test_printpage.py); say so if it changes.
            self.stderr.write(f"Seed page: {warning}")
        article, figures = import_print_page(page, external_id=EXTERNAL_ID)
        # The page as shipped, for staff to read beside the article (版面原文).
        article.print_source = PrintSource.objects.create(text=normalize(TEXT.read_text("utf-8")))
        for index, figure in enumerate(figures):
            # The page's own photos are not in its text. Each figure gets a stand-in picture,
            # marked as one: readers see "图片待补" with the caption, staff see it counted as
            # missing until the real photo is uploaded over it.
            figure.is_placeholder = True
            name = f"standin-{index + 1}.jpg"
            # Named, so the ImageField records width and height: a nameless ContentFile leaves
            # them empty, and then every page view opens the original to measure it again.
            figure.image.save(name, ContentFile(standin_jpeg(index), name=name))
        # Published as the desk has it, its photos marked as pending.
        article.status = Article.Status.PUBLISHED
        article.published_at = timezone.now()
        # The model's checks would refuse a new article with stand-ins; this one is shipped
        # published with its photos pending (see above), every other check still applies.
        article.check_parts_in_clean = False
        article.full_clean()
        problems = publish_problems(article, allow_placeholders=True)
        if problems:
            raise CommandError(" ".join(problems))
        article.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded “{article.title}” with {article.sections.count()} sections and "
                f"{len(figures)} figures (stand-in pictures until the real photos are uploaded)."
            )
        )
