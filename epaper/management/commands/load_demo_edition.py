"""A demonstration digital edition made from the first article: two generated pages.

Nothing here is a real paper's page. The paper is named 数字报演示 and marked as a demonstration
(Publication.is_demo): every page says so on the picture and on the web page, and the article
page calls its line 演示数字报, not 见报. The edition's date is the day the first article went
live on this site, not a print date: the first article's real print date is not known here,
and none is invented.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.management.commands.load_seed import EXTERNAL_ID
from articles.models import Article
from epaper.ingest import ImportRefused, Upload, load_edition
from epaper.models import Edition, Publication, Region
from epaper.pdfwrite import PAGE_SIZE, PdfPage, Story, layout_page, write_pdf
from epaper.views import public_editions

PAPER = "数字报演示"
NOTICE = "演示版面：由本站第一篇文章生成，并非真实见报的报纸版面"


class Command(BaseCommand):
    help = (
        "Build a demonstration digital edition from the first article (run load_seed first): "
        "two generated PDF pages, clearly marked as a demonstration, with the article's "
        "regions on both (it continues on page 2)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true", help="build it again")

    def handle(self, *args, **options):
        article = Article.objects.filter(external_id=EXTERNAL_ID).first()
        if article is None or not article.is_public:
            raise CommandError("没有找到已发布的第一篇文章：请先运行 manage.py load_seed。")
        day = timezone.localdate(article.published_at)
        paper, _ = Publication.objects.get_or_create(
            name=PAPER, defaults={"is_demo": True, "position": 100}
        )
        if not paper.is_demo:
            raise CommandError(f"已有一份名为“{PAPER}”的报纸但没有标为演示，没有改动它。")
        if Edition.objects.filter(publication=paper).exists() and not options["replace"]:
            self.stdout.write("演示数字报已经有了，没有改动（--replace 重新生成）。")
            return
        pages, truths = demo_pages(article)
        uploads = [
            Upload(SimpleUploadedFile(f"{n}-演示.pdf", write_pdf([page])), f"{n}-演示.pdf")
            for n, page in enumerate(pages, start=1)
        ]
        # The demo draws its regions itself: nothing of the old one is kept (a --replace of
        # import_edition would carry its regions over, and they would be drawn twice).
        Edition.objects.filter(publication=paper).delete()
        try:
            edition = load_edition(
                paper, day, uploads, replace=True, public=True, progress=self.stdout.write
            )
        except ImportRefused as refused:
            raise CommandError("\n".join(refused.messages)) from None
        # The demo drew its own pages, so it knows where the story is: no proposals needed.
        for page, truth in zip(edition.pages.all(), truths, strict=True):
            for _story, (x0, y0, x1, y1) in truth:
                Region.objects.create(
                    page=page, article=article, x=x0, y=y0, width=x1 - x0, height=y1 - y0
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成演示数字报（{day:%Y-%m-%d}，即第一篇文章在本站发布的日期，并非见报日期）："
                f"{edition.get_absolute_url()}"
            )
        )
        if not public_editions().filter(pk=edition.pk).exists():
            shown = Publication.objects.primary()
            self.stdout.write(
                f"但读者现在看不到它：数字报网址 /epaper/ 一次只显示一份报纸，现在显示的是《{shown}》。"
            )


def demo_pages(article):
    """The article laid out on two pages: its start on page 1, the rest continued on page 2."""
    paragraphs = []
    for section in article.sections.all():
        if section.heading:
            paragraphs.append(f"【{section.heading}】")
        paragraphs.extend(section.paragraphs)
    byline = " ".join(a.name for a in article.ordered_authors)
    half = len(paragraphs) // 2
    first = Story(article.title, paragraphs[:half], byline=byline, kicker=article.kicker)
    rest = Story(f"（上接第1版）{article.title}", paragraphs[half:])
    width, height = PAGE_SIZE
    pages, truths = [], []
    for number, (story, name) in enumerate([(first, "演示"), (rest, "演示（续）")], start=1):
        page = PdfPage()
        page.text(36, height - 60, 40, "演示 DEMO", grey=0.8)
        truth = layout_page(
            page,
            [story],
            [(0, 36, 50, width - 72, height - 130)],
            header=f"{PAPER} 第{number}版 {name}  {NOTICE}",
        )
        pages.append(page)
        truths.append(truth)
    return pages, truths
