from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.build import import_print_page
from articles.models import Article
from articles.printpage import decode, parse
from articles.standins import STANDIN_CREDIT, standin_jpeg

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
        for index, figure in enumerate(figures):
            figure.credit = STANDIN_CREDIT
            figure.alt_text = f"占位示意图（原图待上传）：{figure.caption}"
            name = f"standin-{index + 1}.jpg"
            # Named, so the ImageField records width and height: a nameless ContentFile leaves
            # them empty, and then every page view opens the original to measure it again.
            figure.image.save(name, ContentFile(standin_jpeg(index), name=name))
        # Published only now that every figure has a picture, through the model's own checks.
        article.status = Article.Status.PUBLISHED
        article.published_at = timezone.now()
        article.full_clean()
        article.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded “{article.title}” with {article.sections.count()} sections and "
                f"{len(figures)} figures (stand-in pictures until the real photos are uploaded)."
            )
        )
