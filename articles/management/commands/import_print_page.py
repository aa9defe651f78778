import json
import os
import sys
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.build import AlreadyImported, import_reading
from articles.models import Column
from articles.printpage import MAX_BYTES, PrintPageError, decode, read_page, too_big

# How much of an oversized standard input is counted for the message before giving up.
STDIN_COUNT_BYTES = 1_000 * MAX_BYTES


class Command(BaseCommand):
    help = (
        "Read the text of a print page (UTF-8 or GB18030, as a layout system or PDF exports it) "
        "and create a draft article for each story on it: badge, kicker, title, bylines with "
        "roles, sections, and figures made from the captions, waiting for their photos. The "
        "page's text and the lines kept out of every story are stored with the drafts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the page's text file; - reads standard input")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be made; create nothing"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="with --dry-run: print the structure as one JSON object on stdout",
        )
        parser.add_argument(
            "--column", help="the column's name (created if new); default: the page's badge"
        )
        parser.add_argument(
            "--published-at",
            help="planned publication time, e.g. '2026-06-20 08:00' (Asia/Shanghai unless an "
            "offset is given); the article stays a draft",
        )

    def handle(self, *args, **options):
        if options["json"] and not options["dry_run"]:
            raise CommandError("--json 只能和 --dry-run 一起用（只输出结构，不创建文章）。")
        published_at = _published_at(options["published_at"])
        try:
            text = self._read(options["file"])
            reading = read_page(text)
        except PrintPageError as error:
            raise CommandError(f"{error}没有创建任何文章。") from error

        if options["json"]:
            self.stdout.write(json.dumps(reading.as_json(), ensure_ascii=False, indent=2))
            return
        for number, page in enumerate(reading.stories, start=1):
            if len(reading.stories) > 1:
                self.stdout.write(f"—— 第 {number} 篇 ——")
            self._describe(page, options["column"])
        if reading.furniture:
            self.stdout.write(f"不放进稿件的行：{' / '.join(reading.furniture)}")
        if options["dry_run"]:
            self.stdout.write("（试运行：没有创建任何文章。）")
            return

        column = None
        if options["column"]:
            column, _ = Column.objects.get_or_create(name=options["column"].strip())
        try:
            made = import_reading(reading, text, column=column, published_at=published_at)
        except AlreadyImported as error:
            raise CommandError(f"{error}没有重复创建。") from error
        except ValueError as error:
            raise CommandError(f"{error}没有创建任何文章。") from error
        for (article, figures), page in zip(made, reading.stories, strict=True):
            self.stdout.write(
                self.style.SUCCESS(
                    f"已创建草稿 #{article.pk}《{article.title}》：{len(page.sections)} 节、"
                    f"{page.paragraph_count} 段、{len(figures)} 张图片（等待上传照片）。"
                )
            )
            # The admin's path is configurable (settings), so the address is reversed.
            self.stdout.write(
                f"在后台编辑：{reverse('admin:articles_article_change', args=[article.pk])}"
            )

    def _read(self, name):
        # Read one byte past the limit: enough to know the input is too big. Its real size,
        # for the message, comes from the file system, or from counting the rest of stdin.
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            size = len(data)
            while MAX_BYTES < size < STDIN_COUNT_BYTES and (
                chunk := sys.stdin.buffer.read(1 << 20)
            ):
                size += len(chunk)
            if size >= STDIN_COUNT_BYTES:
                # A stream that never ends (a device, a pipe left open) is not counted to its end.
                raise PrintPageError(too_big(size, at_least=True))
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"找不到文件：{name}")
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
                size = os.fstat(handle.fileno()).st_size
        return decode(data, size=size)

    def _describe(self, page, column):
        write = self.stdout.write
        write(f"栏目：{column or ' '.join(page.badge) or '（无）'}")
        write(f"引题：{page.kicker or '（无）'}")
        write(f"主题：{page.title or '（没有找到）'}")
        if page.subtitle:
            write(f"副题：{page.subtitle}")
        names = [f"{b['role']} {b['name']}".strip() for b in page.bylines]
        write(f"作者：{'、'.join(names) or '（没有找到）'}")
        captions = {}
        for figure in page.figures:
            captions.setdefault(figure["section"], []).append(figure)
        for index, section in enumerate(page.sections):
            write(f"第 {index + 1} 节：{section['heading'] or '（导语，无小标题）'}")
            for number, paragraph in enumerate(section["paragraphs"], start=1):
                for figure in captions.get(index, []):
                    if figure["after_paragraph"] == number - 1:
                        write(f"    [图] {_figure(figure)}")
                write(f"  {number}. {_clip(paragraph)}")
            for figure in captions.get(index, []):
                after = figure["after_paragraph"]
                if after is None or after >= len(section["paragraphs"]):
                    write(f"    [图] {_figure(figure)}")
        write(f"图片署名：{page.photo_credit or '（无）'}")
        if page.warnings:
            write(self.style.WARNING(f"需要核对的地方（{len(page.warnings)}）："))
            for warning in page.warnings:
                write(self.style.WARNING(f"  - {warning}"))
        else:
            write("没有需要核对的地方。")


def _published_at(value):
    if not value:
        return None
    try:
        # parse_* raise ValueError for a well-formed but impossible time (2026-02-30, 25:00).
        moment = parse_datetime(value.strip())
        if moment is None:
            day = parse_date(value.strip())
            if day is None:
                raise ValueError(value)
            moment = datetime(day.year, day.month, day.day)
    except ValueError:
        raise CommandError(
            f"看不懂的发布时间：{value}（请写成 2026-06-20 08:00，日期和时间要真实存在）。"
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _figure(figure):
    credit = f"（{figure['credit']}）" if figure["credit"] else ""
    return figure["caption"] + credit


def _clip(text, n=40):
    return text if len(text) <= n else text[:n] + "…"
