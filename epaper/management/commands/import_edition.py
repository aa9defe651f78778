import re
from datetime import date
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from epaper.ingest import ImportRefused, Upload, load_edition
from epaper.models import Publication
from epaper.views import public_editions


class Command(BaseCommand):
    help = (
        "Load one day's edition of a paper from its page files (PDF, JPEG, PNG or WebP), in "
        "order. A text file of the same stem (A05.pdf + A05.txt) is read by the print-page "
        "importer: its stories become drafts linked to the page, with regions proposed from "
        "the PDF's text positions for the editor to confirm."
    )

    def add_arguments(self, parser):
        parser.add_argument("pages", nargs="+", help="the page files, in page order")
        parser.add_argument("--paper", required=True, help="the paper's name, e.g. 杭州日报")
        parser.add_argument("--date", required=True, help="the edition's date, e.g. 2026-06-03")
        # Read as text and checked in handle(): argparse's own refusal is English.
        parser.add_argument("--number", help="期号, when known")
        parser.add_argument("--total-number", help="总第……期, when known")
        parser.add_argument(
            "--replace", action="store_true", help="replace the edition of that date if loaded"
        )
        parser.add_argument(
            "--discard-regions",
            action="store_true",
            help="with --replace: give up the editors' regions of pages whose text or file changed",
        )
        parser.add_argument(
            "--public", action="store_true", help="show the edition to readers at once"
        )
        parser.add_argument(
            "--new-paper",
            action="store_true",
            help="--paper names a paper not in the database yet: create it",
        )
        parser.add_argument(
            "--no-proposals",
            action="store_true",
            help="do not propose regions from the PDFs' text positions",
        )

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"])
        except ValueError:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", options["date"] or ""):
                raise CommandError(f"没有这一天：{options['date']}。") from None
            raise CommandError(f"看不懂的日期：{options['date']}（请写成 2026-06-03）。") from None
        for key, label in (
            ("number", "--number（期号）"),
            ("total_number", "--total-number（总期号）"),
        ):
            value = options[key]
            if value is None or isinstance(value, int):
                continue
            if not (value.isascii() and value.isdigit() and 0 < int(value) < 2**31):
                raise CommandError(f"{label}要写正整数，不是“{value}”。")
            options[key] = int(value)
        paper = options["paper"].strip()
        if not paper:
            raise CommandError("请用 --paper 写明报纸名。")
        if len(paper) > Publication._meta.get_field("name").max_length:
            raise CommandError(f"报纸名太长：“{paper[:20]}…”。")
        papers = list(Publication.objects.filter(is_demo=False).values_list("name", flat=True))
        if not Publication.objects.filter(name=paper).exists():
            # The site's first real paper needs no flag (the demonstration's does not count);
            # after it, a new name is more often a typo.
            if papers and not options["new_paper"]:
                listed = "、".join(f"《{name}》" for name in papers)
                raise CommandError(
                    f"没有叫《{paper}》的报纸。现有的报纸：{listed}。"
                    "名字没写错、确实要新建这份报纸，请加 --new-paper。"
                )
            self.stdout.write(f"新建报纸《{paper}》。")
        uploads, handles = [], []
        try:
            for name in options["pages"]:
                path = Path(name)
                if not path.is_file():
                    raise CommandError(f"找不到文件：{name}")
                if path.suffix.lower() == ".txt":
                    raise CommandError(
                        f"{name} 是文字文件：请给出版面文件，同名的 .txt 会自动读入。"
                    )
                handle = path.open("rb")
                handles.append(handle)
                text_path = path.with_suffix(".txt")
                text = text_path.read_bytes() if text_path.is_file() else None
                uploads.append(
                    Upload(File(handle, name=path.name), path.name, text, text_path.name)
                )
            edition = load_edition(
                paper,
                day,
                uploads,
                replace=options["replace"],
                discard_regions=options["discard_regions"],
                number=options["number"],
                total_number=options["total_number"],
                public=options["public"],
                progress=self.stdout.write,
                propose=not options["no_proposals"],
            )
        except ImportRefused as refused:
            raise CommandError("没有导入：\n" + "\n".join(refused.messages)) from None
        finally:
            for handle in handles:
                handle.close()
        pages = list(edition.pages.all())
        drafts = {r.article_id for p in pages for r in p.regions.all() if r.article_id}
        proposed = sum(1 for p in pages for r in p.regions.all() if r.status == r.Status.PROPOSED)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入《{edition.publication}》{day:%Y-%m-%d}：{len(pages)} 个版面，"
                f"{len(drafts)} 篇稿件，{proposed} 块建议区域待确认。"
            )
        )
        self.stdout.write(
            f"在后台标注区域：{reverse('admin:epaper_edition_change', args=[edition.pk])}"
        )
        if edition.is_public:
            if public_editions().filter(pk=edition.pk).exists():
                self.stdout.write(f"读者看到的地址：{edition.get_absolute_url()}")
            else:
                shown = Publication.objects.primary()
                self.stdout.write(
                    f"这一期已公开，但读者还看不到：数字报网址 /epaper/ 一次只显示一份报纸，"
                    f"现在显示的是《{shown}》。要显示这份报纸，请在后台“报纸”里把它排在前面。"
                )
        else:
            self.stdout.write("这一期还没有公开：在后台勾选“公开”后读者才能看到。")
