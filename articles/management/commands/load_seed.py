import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.build import create_article
from articles.models import Article
from articles.standins import STANDIN_CREDIT, standin_jpeg

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
TEXT = SEED_DIR / "qiantang-print-page.txt"
STRUCTURE = SEED_DIR / "qiantang-structure.json"


def read_seed():
    """The first article as a plain structure, every string cut from the raw print text."""
    lines = TEXT.read_text(encoding="utf-8").split("\n")
    spec = json.loads(STRUCTURE.read_text(encoding="utf-8"))

    def line(n):
        return lines[n - 1].strip()

    def joined(numbers):
        # Print breaks a paragraph at a column end; Chinese joins the halves with nothing.
        return "".join(line(n) for n in numbers)

    return spec["external_id"], {
        "badge": [joined(block) for block in spec["badge"]],
        "kicker": joined(spec["kicker"]),
        "title": line(spec["title"]),
        "subtitle": "",
        # Print pads a two-character name to three: "李 岚" is one name.
        "authors": _split_byline(line(spec["byline"])),
        "sections": [
            {
                "heading": line(s["heading"]) if s["heading"] else "",
                "paragraphs": [joined(p) for p in s["paragraphs"]],
            }
            for s in spec["sections"]
        ],
        "figures": [
            {
                "caption": line(f["caption"]),
                "section": f["section"],
                "after_paragraph": f["after_paragraph"],
            }
            for f in spec["figures"]
        ],
        "photo_credit": line(spec["credit"]).strip("（）()"),
    }


def _split_byline(byline):
    # "张梦月 李 岚": a single CJK character standing alone belongs to the name before it.
    parts, names = byline.split(), []
    for part in parts:
        if names and len(part) == 1 and len(names[-1]) == 1:
            names[-1] += part
        else:
            names.append(part)
    return names


class Command(BaseCommand):
    help = "Load the first article (the Qiantang print page) once; later runs change nothing."

    def handle(self, *args, **options):
        external_id, data = read_seed()
        existing = Article.objects.filter(external_id=external_id).first()
        if existing:
            self.stdout.write(
                f"The first article is already loaded (id {existing.pk}); nothing changed."
            )
            return
        article, figures = create_article(
            data,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
            external_id=external_id,
        )
        for index, figure in enumerate(figures):
            figure.credit = STANDIN_CREDIT
            figure.alt_text = f"占位示意图（原图待上传）：{figure.caption}"
            figure.image.save(f"standin-{index + 1}.jpg", ContentFile(standin_jpeg(index)))
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded “{article.title}” with {article.sections.count()} sections and "
                f"{len(figures)} figures (stand-in pictures until the real photos are uploaded)."
            )
        )
