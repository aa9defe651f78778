"""`manage.py import_edition`: an edition from PDFs and pictures made in the test, with texts."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from epaper.models import Edition, Page, PageRendition, Region
from epaper.pdfwrite import Story
from epaper.proposals import propose
from tests.factories import media_files

from .build import BLOCKS, DAY, STORIES, edition_files, header, pillow_pdf, text_pdf

pytestmark = pytest.mark.django_db


def run(*paths, **options):
    out = io.StringIO()
    call_command(
        "import_edition",
        *map(str, paths),
        paper=options.pop("paper", "杭州日报"),
        date=options.pop("date", DAY.isoformat()),
        stdout=out,
        **options,
    )
    return out.getvalue()


def test_an_edition_is_built_from_pdfs_and_pictures_in_order_with_drafts_from_the_text(tmp_path):
    paths = edition_files(tmp_path)

    output = run(*paths)

    edition = Edition.objects.get()
    assert (edition.publication.name, edition.date, edition.is_public) == ("杭州日报", DAY, False)
    pages = list(edition.pages.all())
    assert [(p.position, p.code, p.name) for p in pages] == [
        (1, "A01", "要闻"),
        (2, "A02", "城市"),
        (3, "A03", "体育"),
        (4, "A04", "文体"),
        (5, "A05", "副刊"),
    ]
    for page in pages:
        specs = sorted(r.spec for r in page.renditions.all())
        # Rendered PDF pages are 1800 pixels wide; the pictures here 1200.
        widest = ["webp-1800"] if page.file.name.endswith(".pdf") else []
        assert specs == sorted(["jpeg-1200", "webp-1200", "webp-480", "webp-800", *widest]), page
        assert page.image and page.width and page.height
    # The page with a text: one draft per story, linked to the page, provenance from the page.
    drafts = Article.objects.order_by("pk")
    assert [a.title for a in drafts] == [s.title for s in STORIES]
    assert all(a.status == Article.Status.DRAFT for a in drafts)
    assert {
        (a.print_publication, a.print_date, a.print_page, a.print_page_name) for a in drafts
    } == {("杭州日报", DAY, "A01", "要闻")}
    regions = Region.objects.filter(page=pages[0])
    assert {r.article_id for r in regions} == {a.pk for a in drafts}
    assert all(r.status == Region.Status.PROPOSED and r.has_box for r in regions)
    # Text with positions only where the PDF had text: not from Pillow's picture-only PDF.
    assert pages[0].text_lines and not pages[1].text_lines
    assert "[1/5] A01-要闻.pdf" in output and "[5/5] A05-副刊.webp" in output
    assert "渲染 PDF（1 页）" in output
    assert "5 个版面，3 篇稿件，3 块建议区域待确认" in output


def test_proposed_regions_cover_each_story_where_it_is_printed():
    pdf, truth = text_pdf(head=header("A01", "要闻"))
    from epaper.pagefiles import read_pdf

    lines = read_pdf(io.BytesIO(pdf), "A01.pdf")[0].lines
    texts = ["\n".join([s.title, s.byline, *s.paragraphs, s.caption]) for s in STORIES]

    found = propose(lines, texts)

    assert sorted(story for story, _box in found) == [0, 1, 2]
    for story, (x, y, w, h) in found:
        tx0, ty0, tx1, ty1 = dict(truth)[story]
        overlap = max(0, min(x + w, tx1) - max(x, tx0)) * max(0, min(y + h, ty1) - max(y, ty0))
        union = w * h + (tx1 - tx0) * (ty1 - ty0) - overlap
        assert overlap / union > 0.8, (story, (x, y, w, h), (tx0, ty0, tx1, ty1))
    assert len(BLOCKS) == len(found)


def test_a_story_wrapped_round_another_gets_a_region_for_each_part():
    # Story 0 runs down the left column and on across the top right; story 1 sits below it.
    long = Story(STORIES[0].title, STORIES[0].paragraphs * 10, byline=STORIES[0].byline)
    stories = [long, STORIES[1]]
    blocks = [
        (0, 36, 50, 360, 1100),
        (0, 408, 50, 356, 500),
        (1, 408, 570, 356, 580),
    ]  # 360: 2 columns
    pdf, truth = text_pdf(stories, blocks)
    from epaper.pagefiles import read_pdf

    lines = read_pdf(io.BytesIO(pdf), "p.pdf")[0].lines
    texts = ["\n".join([s.title, s.byline, *s.paragraphs, s.caption]) for s in stories]

    found = propose(lines, texts)

    assert [story for story, _box in found].count(0) == 2
    assert [story for story, _box in found].count(1) == 1


def test_running_it_again_for_the_same_day_is_refused_and_changes_nothing(tmp_path, media_root):
    paths = edition_files(tmp_path)
    run(*paths)
    files = media_files(media_root)

    with pytest.raises(CommandError, match="这一期已经有了.*--replace"):
        run(*paths)

    assert Page.objects.count() == 5 and Article.objects.count() == 3
    assert media_files(media_root) == files


def test_replace_rebuilds_the_pages_and_links_the_same_drafts_again(
    tmp_path, media_root, django_capture_on_commit_callbacks
):
    paths = edition_files(tmp_path)
    run(*paths)
    drafts = set(Article.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        run(*paths[:2], replace=True)

    edition = Edition.objects.get()
    assert [p.code for p in edition.pages.all()] == ["A01", "A02"]
    assert set(Article.objects.values_list("pk", flat=True)) == drafts  # no duplicates
    assert {r.article_id for r in Region.objects.all()} == drafts
    # The old pages' files went with them (once the transaction committed): only the new
    # pages' original, picture and renditions are left.
    stored = {
        name
        for page in edition.pages.all()
        for name in [page.file.name, page.image.name, *(r.file.name for r in page.renditions.all())]
    }
    assert set(media_files(media_root)) == stored
    assert PageRendition.objects.count() == 10


def test_a_multi_page_pdf_gives_a_page_each_numbered_in_order(tmp_path):
    path = tmp_path / "edition.pdf"
    path.write_bytes(pillow_pdf(pages=3))

    run(path)

    pages = list(Page.objects.all())
    assert [(p.code, p.pdf_page) for p in pages] == [("1", 1), ("2", 2), ("3", 3)]
    assert len({p.file.name for p in pages}) == 1  # one PDF stored once
    assert len({p.image.name for p in pages}) == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date": "2026-02-30"}, "没有这一天"),
        ({"date": "2026-2-3x"}, "看不懂的日期"),
        ({"paper": " "}, "报纸名"),
    ],
)
def test_a_wrong_date_or_paper_is_refused_in_chinese(tmp_path, options, message):
    paths = edition_files(tmp_path)
    with pytest.raises(CommandError, match=message):
        run(*paths, **options)
    assert not Edition.objects.exists()


def test_replace_keeps_the_editors_work_on_unchanged_pages_and_refuses_to_lose_the_rest(
    tmp_path,
):
    """The outside review's H2: --replace unpublished the edition, dropped its numbers and
    every region the editors had drawn or confirmed, and said nothing of it."""
    from tests.factories import make_article

    paths = edition_files(tmp_path)
    run(*paths, public=True, number=25001, total_number=28123)
    edition = Edition.objects.get()
    a01, a02, a03 = (edition.pages.get(code=code) for code in ("A01", "A02", "A03"))
    # The desk's work: a proposal confirmed on A01, boxes drawn on A02 and A03 (no text).
    confirmed = a01.regions.order_by("position").first()
    confirmed.status = Region.Status.CONFIRMED
    confirmed.x = 0.05
    confirmed.save()
    story = make_article("体育新闻")
    Region.objects.create(page=a03, article=story, x=0.1, y=0.1, width=0.5, height=0.2)
    Region.objects.create(page=a02, article=story, x=0.2, y=0.2, width=0.3, height=0.3)
    # A02 scanned again: a different file, its box no longer fits.
    paths[1].write_bytes(pillow_pdf(size=(1240, 1760)))

    with pytest.raises(CommandError) as refused:
        run(*paths, replace=True)
    assert "会丢掉编辑标好的 1 块区域" in str(refused.value)
    assert "A02版 第1块 《体育新闻》" in str(refused.value)
    assert "--discard-regions" in str(refused.value)
    assert Edition.objects.get().pk == edition.pk  # nothing changed

    output = run(*paths, replace=True, discard_regions=True)

    edition = Edition.objects.get()
    assert (edition.is_public, edition.number, edition.total_number) == (True, 25001, 28123)
    boxes = {
        (r.page.code, r.article_id, r.x, r.status)
        for r in Region.objects.filter(status=Region.Status.CONFIRMED, x__isnull=False)
    }
    assert boxes == {
        ("A01", confirmed.article_id, 0.05, "confirmed"),
        ("A03", story.pk, 0.1, "confirmed"),
    }
    # The confirmed story is not proposed a second time on A01.
    assert edition.pages.get(code="A01").regions.filter(article=confirmed.article).count() == 1
    assert "删除了 5 个旧版面" in output
    assert "保留了编辑标好的 2 块区域（A01版、A03版" in output
    assert "丢弃了 1 块编辑标好的区域" in output and "A02版 第1块 《体育新闻》" in output
    assert "仍然公开，第25001期 总第28123期" in output


def test_a_paper_not_in_the_database_is_refused_unless_new_paper_is_given(tmp_path):
    """The outside review's H3: a typo in --paper silently made a second paper."""
    from epaper.models import Publication

    paths = edition_files(tmp_path)
    assert "新建报纸《杭州日报》" in run(paths[2])  # the site's first paper needs no flag

    with pytest.raises(CommandError) as refused:
        run(paths[2], paper="杭洲日报", date="2026-06-04", public=True)
    assert "没有叫《杭洲日报》的报纸。现有的报纸：《杭州日报》" in str(refused.value)
    assert "--new-paper" in str(refused.value)
    assert list(Publication.objects.values_list("name", flat=True)) == ["杭州日报"]

    with pytest.raises(CommandError, match="报纸名太长"):
        run(paths[2], paper="报" * 300, date="2026-06-04", new_paper=True)


def test_a_new_paper_with_nothing_public_hides_no_public_edition(client, tmp_path):
    """The outside review's H3: importing an unpublished page of a new paper (first in the
    admin's order) turned /epaper/ and the other paper's public edition into 404s."""
    from django.urls import reverse

    from epaper.models import Publication

    paths = edition_files(tmp_path)
    run(paths[2], paper="数字报演示", public=True)
    Publication.objects.filter(name="数字报演示").update(position=5)
    shown = Edition.objects.get()

    output = run(paths[3], paper="杭州日报", date="2026-06-04", new_paper=True)
    assert "新建报纸《杭州日报》" in output

    assert client.get(reverse("epaper:latest")).status_code == 200
    assert client.get(shown.get_absolute_url()).status_code == 200
    assert client.get(shown.pages.get().get_absolute_url()).status_code == 200

    # A public edition of a paper not shown at /epaper/: no reader URL that would be a 404.
    output = run(paths[3], paper="测试晚报", date="2026-06-05", new_paper=True, public=True)
    evening = Edition.objects.get(publication__name="测试晚报")
    Publication.objects.filter(name="测试晚报").update(position=9)
    output = run(paths[3], paper="测试晚报", date="2026-06-05", replace=True, discard_regions=True)
    assert "读者看到的地址" not in output
    assert "现在显示的是《数字报演示》" in output
    assert client.get(evening.get_absolute_url()).status_code == 404


def test_the_page_text_reader_warnings_reach_the_editor(tmp_path, client, editor):
    """The outside review's M4: a story continued on another page (下转) was flagged by
    import_print_page, but import_edition and the admin's upload said nothing of it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from epaper.models import Publication

    from .build import page_text, picture

    text = page_text(STORIES, header("A02", "城市")).rstrip() + "\n（下转A03版）\n"
    (tmp_path / "A02-城市.png").write_bytes(picture("PNG"))
    (tmp_path / "A02-城市.txt").write_text(text, "utf-8")

    output = run(tmp_path / "A02-城市.png")
    assert "A02版的文字需要核对的地方（1）" in output
    assert "这篇稿件（下转A03版），本版只有它的前一部分" in output

    edition = Edition.objects.create(
        publication=Publication.objects.get(), date=DAY.replace(day=DAY.day + 1)
    )
    files = [
        SimpleUploadedFile("A02-城市.png", picture("PNG")),
        SimpleUploadedFile("A02-城市.txt", text.encode()),
    ]
    response = client.post(
        reverse("admin:epaper_edition_upload", args=[edition.pk]), {"files": files}, follow=True
    )
    html = response.content.decode()
    assert "已上传 1 个版面" in html
    assert "需要核对：A02版：这篇稿件（下转A03版），本版只有它的前一部分" in html


def test_bad_numbers_and_impossible_dates_are_refused_in_chinese(tmp_path):
    """The outside review's L1/L7: --number abc got argparse's English error, and
    2026-02-30 was called unreadable."""
    paths = edition_files(tmp_path)
    with pytest.raises(CommandError, match="--number（期号）要写正整数，不是“abc”"):
        run(paths[2], "--number=abc")  # as typed on the command line, through argparse
    with pytest.raises(CommandError, match="没有这一天：2026-02-30"):
        run(paths[2], date="2026-02-30")
    with pytest.raises(CommandError, match="看不懂的日期"):
        run(paths[2], date="20260230")
    assert not Edition.objects.exists()
