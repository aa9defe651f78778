"""Loading an edition: page files (and their texts) in, pages, pictures, drafts and regions out.

The command (`manage.py import_edition`) and the admin's upload call load_edition(). It works
in three steps, so a bad file refuses the whole edition before anything is stored, and the
slow part holds no database lock:

1. check: every page file judged (epaper.pagefiles.check_page_file), every text read by the
   print-page reader (articles.printpage.read_page); any problem stops here.
2. prepare, outside any transaction: PDFs rendered (in a limited child process), renditions
   encoded, all as bytes in memory.
3. store, in one transaction: the edition, its pages and their files, the drafts made from
   each page's text (articles.build.import_reading), and the regions linking them to the page
   (proposed from the PDF's text positions where it has any, else without a box yet).
"""

import hashlib
import io
import re
import time
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import get_image_dimensions
from django.db import transaction

from articles.build import AlreadyImported, import_reading
from articles.models import Article
from articles.printpage import PrintPageError, decode, read_page

from . import proposals
from .models import PAGE_CODE, Edition, Page, PageRendition, Publication, Region, page_label
from .pagefiles import (
    MESSAGES,
    PageFileError,
    check_page_file,
    jpeg_bytes,
    read_pdf,
    render_page_renditions,
)


class ImportRefused(Exception):
    """Nothing was stored; `messages` says why, in Chinese, one line per problem."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class Upload:
    """One page file as given, with the text of the same stem when there is one."""

    file: object  # a Django File / UploadedFile, opened for reading
    name: str
    text: bytes | None = None
    text_name: str = ""


@dataclass
class Prepared:
    """One page of the edition, ready to store."""

    upload: Upload
    original: bytes
    extension: str
    pdf_page: int | None
    picture: bytes  # the page picture (JPEG for a rendered PDF page; the upload for a picture)
    picture_extension: str
    renditions: list
    lines: list = field(default_factory=list)
    reading: object = None
    text: str = ""
    code: str = ""
    name: str = ""

    @property
    def label(self):
        return page_label(self.code)


# A file's stem naming its page: A05, A05-城市, 05_要闻, 第5版-要闻.
STEM = re.compile(r"^(?:第)?(?P<code>[A-Za-z]{0,2}\d{1,3})(?:版)?(?:[-_ ·]+(?P<name>.+))?$")


def page_from_stem(stem):
    match = STEM.match(stem.strip())
    if not match:
        return "", ""
    return normal_code(match["code"]), (match["name"] or "").strip()


def normal_code(code):
    """A05 stays A05, 第5版 and 05 become 5: the code as print names the page, URL-safe."""
    code = (code or "").strip().upper().removeprefix("第").removesuffix("版")
    letters = re.match(r"^[A-Z]*", code).group(0)
    digits = code[len(letters) :]
    if not digits.isdigit():
        return ""
    if not letters:
        digits = str(int(digits))
    code = letters + digits
    return code if PAGE_CODE.match(code) else ""


def pair_uploads(files):
    """Page files and texts given together (the admin's multiple upload), paired by stem."""
    texts, pages = {}, []
    for upload in files:
        name = Path(upload.name).name
        if name.lower().endswith(".txt"):
            texts[Path(name).stem] = upload
        else:
            pages.append(upload)
    result, problems = [], []
    for upload in pages:
        name = Path(upload.name).name
        text = texts.pop(Path(name).stem, None)
        result.append(
            Upload(
                upload, name, text.read() if text else None, Path(text.name).name if text else ""
            )
        )
    for stem, text in texts.items():
        problems.append(f"文字文件“{Path(text.name).name}”没有同名的版面文件（{stem}.pdf 等）。")
    return result, problems


def check(uploads):
    """Judge every file and read every text; return the problems (Chinese), empty when none."""
    problems = []
    if not uploads:
        problems.append("没有版面文件。")
    for upload in uploads:
        try:
            upload.kind = check_page_file(upload.file, upload.name)
        except PageFileError as error:
            problems.extend(error.messages)
            continue
        if upload.text is not None:
            try:
                upload.decoded = decode(upload.text)
                upload.reading = read_page(upload.decoded)
            except PrintPageError as error:
                problems.append(f"文字文件“{upload.text_name}”：{error}")
                continue
            if upload.kind.pages > 1:
                problems.append(
                    f"“{upload.name}”有 {upload.kind.pages} 页，一份文字文件只能对应一个版面；"
                    "请把 PDF 按版面拆开，或不带文字文件上传。"
                )
    return problems


def prepare(upload, progress, deadline=None):
    """The pages of one upload as bytes: original, page picture, renditions, text lines."""
    upload.file.seek(0)
    original = upload.file.read()
    upload.file.seek(0)
    prepared = []
    if upload.kind.kind == "pdf":
        progress(f"  渲染 PDF（{upload.kind.pages} 页）…")
        seconds = max(1.0, deadline - time.monotonic()) if deadline else None
        rendered_pages = read_pdf(upload.file, upload.name, seconds=seconds)
        for number, rendered in enumerate(rendered_pages, start=1):
            if deadline and time.monotonic() > deadline:
                # The renditions are encoded here, outside the child: a loaded machine can
                # spend the request's time on them too.
                raise PageFileError(
                    MESSAGES["too_slow"].format(name=upload.name, seconds=round(seconds)),
                    code="too_slow",
                )
            picture = jpeg_bytes(rendered.image)
            prepared.append(
                Prepared(
                    upload,
                    original,
                    "pdf",
                    number if upload.kind.pages > 1 else None,
                    picture,
                    "jpg",
                    render_page_renditions(io.BytesIO(picture)),
                    rendered.lines,
                )
            )
    else:
        renditions = render_page_renditions(io.BytesIO(original))
        prepared.append(
            Prepared(upload, original, upload.kind.extension, None, b"", "", renditions)
        )
    for page in prepared:
        page.reading = getattr(upload, "reading", None)
        page.text = getattr(upload, "decoded", "")
    return prepared


def name_pages(prepared, used=(), start=0):
    """版次 and 版名 of each page: from its text's header, else its file name, else its place."""
    used = set(used)
    for position, page in enumerate(prepared, start=start + 1):
        code, name = "", ""
        printed = page.reading.print if page.reading else {}
        if printed.get("page"):
            code, name = normal_code(printed["page"]), printed.get("page_name", "")
        if not code and page.pdf_page is None:
            code, name = page_from_stem(Path(page.upload.name).stem)
        if not code or code in used:
            code = str(position)
            while code in used:
                code = f"{code}X"[:8]
        used.add(code)
        page.code, page.name = code, (name or "")[:40]


def load_edition(
    paper,
    day,
    uploads,
    *,
    replace=False,
    discard_regions=False,
    number=None,
    total_number=None,
    public=False,
    created_by=None,
    progress=None,
    propose=True,
):
    """Create the edition of `paper` (a name or a Publication) for `day` from `uploads`.

    Refused (ImportRefused, nothing stored) when a file or text is bad, or when the edition
    exists and `replace` is not given. With `replace`, the old pages and their files go, and
    stories imported before from the same page text are linked again rather than duplicated;
    the edition keeps its 公开 flag and numbers (unless new numbers are given), and the
    editors' regions (confirmed or drawn) of every page whose text, or for a page without
    text whose file, is unchanged are carried over. Regions that cannot be (the page changed
    or is gone) refuse the import, listed, unless `discard_regions`. What was removed and
    kept is said through `progress`.
    """
    progress = progress or (lambda message: None)
    if not isinstance(day, Date):
        raise ImportRefused([f"日期不对：{day}"])
    problems = check(uploads)
    if isinstance(paper, Publication):
        publication = paper
    else:
        publication = Publication.objects.filter(name=paper).first()
    existing = (
        Edition.objects.filter(publication=publication, date=day).first() if publication else None
    )
    if existing is not None and not replace:
        problems.insert(
            0,
            f"《{existing.publication}》{day:%Y-%m-%d} 这一期已经有了（{existing.pages.count()} 个版面）。"
            "要重新导入，请加 --replace（后台：先删除这一期）。",
        )
    if problems:
        raise ImportRefused(problems)

    prepared = prepare_all(uploads, progress)
    plan = None
    if existing is not None:
        name_pages(prepared)
        plan = replacement_plan(existing, prepared)
        if plan.lost and not discard_regions:
            raise ImportRefused(
                [
                    f"重新导入会丢掉编辑标好的 {len(plan.lost)} 块区域（这些版面的文字或文件变了，"
                    "或新的一期里没有这个版次），没有导入：",
                    *(f"  {line}" for line in plan.lost),
                    "确认不要这些区域，请加 --discard-regions 再导入一次。",
                ]
            )
        if number is None:
            number = existing.number
        if total_number is None:
            total_number = existing.total_number
        public = public or existing.is_public
    stored_names = []
    try:
        with transaction.atomic():
            if publication is None:
                publication = Publication.objects.create(name=paper)
            if existing is not None:
                existing.delete()
            edition = Edition.objects.create(
                publication=publication,
                date=day,
                number=number,
                total_number=total_number,
                is_public=public,
            )
            store_all(edition, prepared, stored_names, created_by, propose, progress)
            if plan is not None:
                carry_over(edition, plan)
    except BaseException:
        delete_stored(stored_names)
        raise
    if plan is not None:
        report_replacement(plan, edition, progress)
    return edition


def report_replacement(plan, edition, progress):
    progress(f"替换了原来的一期：删除了 {plan.old_pages} 个旧版面和它们的文件、建议区域。")
    kept = sum(len(regions) for regions in plan.kept.values())
    if kept:
        labels = "、".join(page_label(code) for code in plan.kept)
        progress(f"保留了编辑标好的 {kept} 块区域（{labels}：这些版面的文字或文件没有变）。")
    if plan.lost:
        progress(f"按 --discard-regions 丢弃了 {len(plan.lost)} 块编辑标好的区域：")
        for line in plan.lost:
            progress(f"  {line}")
    numbers = edition.numbers_label
    progress(
        ("仍然公开" if edition.is_public else "仍未公开")
        + (f"，{numbers}" if numbers else "")
        + "。"
    )


@dataclass
class ReplacementPlan:
    """What `--replace` does to the old edition's pages and regions."""

    old_pages: int = 0
    kept: dict = field(default_factory=dict)  # code → [region field dicts]
    lost: list = field(default_factory=list)  # one line per region given up, in Chinese


REGION_FIELDS = ("article_id", "position", "x", "y", "width", "height", "status")


def describe_region(page, region):
    title = f"《{region.article.title}》" if region.article_id else "（未关联稿件）"
    where = "没有画框" if region.x is None else "画了框"
    return f"{page.label} 第{region.position}块 {title}，{where}"


def replacement_plan(existing, prepared):
    """Which editors' regions survive the replacement: those of pages unchanged."""
    plan = ReplacementPlan()
    new = {page.code: page for page in prepared}
    pages = existing.pages.select_related("print_source").prefetch_related("regions__article")
    for old in pages:
        plan.old_pages += 1
        source = old.print_source.text if old.print_source_id else None
        work = [
            r
            for r in old.regions.all()
            if r.status == Region.Status.CONFIRMED
            and (
                r.x is not None
                or r.article_id is None
                or r.article.print_source_id != old.print_source_id
            )
        ]
        if not work:
            continue
        page = new.get(old.code)
        unchanged = page is not None and (
            (source is not None and page.text == source)
            or (
                source is None
                and not page.text
                and page.pdf_page == old.pdf_page
                and same_file(old, page.original)
            )
        )
        if unchanged:
            plan.kept[old.code] = [{f: getattr(r, f) for f in REGION_FIELDS} for r in work]
        else:
            plan.lost.extend(describe_region(old, r) for r in work)
    return plan


def same_file(page, data):
    try:
        with page.file.open("rb") as stored:
            return hashlib.sha256(stored.read()).digest() == hashlib.sha256(data).digest()
    except OSError:
        return False


def carry_over(edition, plan):
    for page in edition.pages.filter(code__in=plan.kept):
        regions = plan.kept[page.code]
        # The editors' regions stand for the stories they link: the import's own go.
        page.regions.filter(article_id__in={r["article_id"] for r in regions}).delete()
        Region.objects.bulk_create(Region(page=page, **r) for r in regions)


def add_pages(
    edition,
    uploads,
    *,
    created_by=None,
    progress=None,
    propose=True,
    max_pages=None,
    render_seconds=None,
):
    """Add pages after the edition's last (the admin's upload). Refused like load_edition,
    and when the files hold more than `max_pages` pages or their PDFs take more than
    `render_seconds` to render (the admin's request must end before the server's timeout)."""
    progress = progress or (lambda message: None)
    problems = check(uploads)
    if not problems and max_pages is not None:
        pages = sum(upload.kind.pages for upload in uploads)
        if pages > max_pages:
            problems.append(
                f"这次上传的文件共有 {pages} 个版面，网页上传一次最多 {max_pages} 个"
                "（每个 PDF 版面渲染要几秒，服务器 30 秒内必须完成）。没有保存任何版面："
                f"请分几次上传，每次不超过 {max_pages} 个版面；整期导入请技术人员在服务器上用 "
                "manage.py import_edition（没有这个限制）。"
            )
    if problems:
        raise ImportRefused(problems)
    deadline = time.monotonic() + render_seconds if render_seconds else None
    prepared = prepare_all(uploads, progress, deadline)
    stored_names = []
    try:
        with transaction.atomic():
            store_all(edition, prepared, stored_names, created_by, propose, progress)
    except BaseException:
        delete_stored(stored_names)
        raise
    return prepared


def prepare_all(uploads, progress, deadline=None):
    prepared = []
    for index, upload in enumerate(uploads, start=1):
        progress(f"[{index}/{len(uploads)}] {upload.name}")
        try:
            prepared.extend(prepare(upload, progress, deadline))
        except PageFileError as error:
            # Found only when rendering: a PDF bomb passes the count-and-size check.
            raise ImportRefused(error.messages) from None
    return prepared


def store_all(edition, prepared, stored_names, created_by, propose, progress):
    existing = list(edition.pages.values_list("position", "code"))
    start = max((position for position, _code in existing), default=0)
    name_pages(prepared, used={code for _position, code in existing}, start=start)
    originals = {}
    for position, page in enumerate(prepared, start=start + 1):
        progress(f"  保存 {page.label} {page.name}".rstrip())
        store_page(edition, position, page, originals, stored_names, created_by, propose)
        warnings = page.reading.warnings if page.reading else []
        if warnings:
            progress(f"  {page.label}的文字需要核对的地方（{len(warnings)}）：")
            for warning in warnings:
                progress(f"    - {warning}")


def reading_warnings(prepared):
    """What the print-page reader had to guess, per page, for the editor: Chinese lines."""
    return [
        f"{page.label}：{warning}"
        for page in prepared
        if page.reading
        for warning in page.reading.warnings
    ]


def delete_stored(stored_names):
    for storage, name in stored_names:
        storage.delete(name)


def store_page(edition, position, prepared, originals, stored_names, created_by, propose):
    page = Page(
        edition=edition,
        position=position,
        code=prepared.code,
        name=prepared.name,
        pdf_page=prepared.pdf_page,
        text_lines=prepared.lines,
    )
    # A multi-page PDF is stored once, for all its pages.
    key = id(prepared.upload)
    if key in originals:
        page.file.name = originals[key]
    else:
        page.file.save(f"page.{prepared.extension}", ContentFile(prepared.original), save=False)
        stored_names.append((page.file.storage, page.file.name))
        originals[key] = page.file.name
    if prepared.picture:
        page.image.save("page.jpg", ContentFile(prepared.picture), save=False)
        stored_names.append((page.image.storage, page.image.name))
        # Measured from the bytes in hand: a nameless ContentFile leaves them empty, and then
        # Django would open the stored picture to measure it whenever the page is loaded.
        page.width, page.height = get_image_dimensions(ContentFile(prepared.picture))
    else:
        page.image.name = page.file.name
        page.image.field.update_dimension_fields(page, force=True)
    page.save()
    for spec, data, width, height in prepared.renditions:
        rendition = PageRendition(page=page, spec=spec, width=width, height=height, size=len(data))
        extension = "webp" if spec.startswith("webp") else "jpg"
        # The content's hash in the name, as for figures: a URL never changes its bytes.
        digest = hashlib.sha256(data).hexdigest()[:10]
        rendition.file.save(f"{page.pk}/{spec}-{digest}.{extension}", ContentFile(data), save=False)
        stored_names.append((rendition.file.storage, rendition.file.name))
        rendition.save()
    if prepared.reading is not None:
        articles = stories_of(prepared, created_by)
        page.print_source_id = articles[0].print_source_id if articles else None
        page.save(update_fields=["print_source"])
        link_stories(page, articles, propose=propose)
    return page


def stories_of(prepared, created_by):
    """The drafts of the page's stories: made now, or those made before from the same text."""
    try:
        made = import_reading(prepared.reading, prepared.text, created_by=created_by)
        return [article for article, _figures in made]
    except AlreadyImported as error:
        source = error.article.print_source_id
        if source is None:
            return [error.article]
        return list(Article.objects.filter(print_source_id=source).order_by("pk"))


def link_stories(page, articles, *, propose=True):
    """Regions for the page's stories: boxes proposed from the PDF's text, else none yet."""
    found = []
    if propose and page.text_lines:
        texts = [proposals.story_text(article) for article in articles]
        found = proposals.propose(page.text_lines, texts)
    placed = {story for story, _box in found}
    regions = []
    for story, (x, y, w, h) in found:
        regions.append(
            Region(
                page=page,
                article=articles[story],
                position=story + 1,
                x=x,
                y=y,
                width=w,
                height=h,
                status=Region.Status.PROPOSED,
            )
        )
    for story, article in enumerate(articles):
        if story not in placed:
            regions.append(Region(page=page, article=article, position=story + 1))
    for region in regions:
        region.save()
    # The article's own print provenance (刊载报纸, 见报日期, 版次, 版名) is never written from
    # the page: a continuation region, a misclicked link or a later fix to the edition would
    # rewrite it silently. Where the article stands in the edition is read from its regions
    # (views.seen_in_print); drafts imported from a page's text have it from the text's header.
    return regions
