"""Importing a print page: the command line, the admin page, and the draft it makes."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.build import import_print_page
from articles.models import Article, Column, Figure
from articles.printpage import parse

from .admin_forms import form_data, publish_fields
from .factories import jpeg_upload, make_reporter, make_staff
from .prod import manage, production_env

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "articles" / "seed" / "qiantang-print-page.txt"
PAGES = Path(__file__).resolve().parent / "printpages"
MARATHON = PAGES / "marathon-one-author.txt"
IMPORT_URL = reverse("admin:articles_article_import_print_page")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_print_page", *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


# --- the command ------------------------------------------------------------------------------


def test_dry_run_json_prints_one_object_with_the_agreed_keys_and_creates_nothing():
    data = json.loads(run(SEED, "--dry-run", "--json"))
    # Adapted for issue 14: the nine keys agreed before, plus the bylines with their roles, the
    # page's print provenance and editors, and every line with its role.
    assert set(data) == {
        "badge",
        "kicker",
        "title",
        "subtitle",
        "authors",
        "sections",
        "captions",
        "photo_credit",
        "warnings",
        "bylines",
        "print",
        "editors",
        "lines",
    }
    assert data["bylines"] == [{"name": "张梦月", "role": ""}, {"name": "李岚", "role": ""}]
    assert data["print"] == {} and data["editors"] == []
    assert {line["role"] for line in data["lines"]} == {
        "badge",
        "kicker",
        "title",
        "byline",
        "body",
        "heading",
        "caption",
        "credit",
    }
    assert data["badge"] == ["打赢翻身仗", "冲刺半年红"]
    assert data["authors"] == ["张梦月", "李岚"]
    assert [len(s["paragraphs"]) for s in data["sections"]] == [6, 11, 6, 6]
    assert set(data["sections"][0]) == {"heading", "paragraphs"}
    assert len(data["captions"]) == 6
    assert data["photo_credit"] == "本版图片由杭州钱塘智慧城管委会提供"
    assert data["warnings"] == []
    assert not Article.objects.exists()


def test_dry_run_describes_the_page_and_creates_nothing():
    out = run(PAGES / "elevators-four-authors.txt", "--dry-run")
    assert "主题：老旧小区加装电梯按下快进键" in out
    assert "作者：本报记者 张峰、本报记者 刘晓燕、通讯员 欧阳明月、通讯员 陈立" in out
    assert "[图] 朝晖新村加装的电梯" in out
    assert "Smart" in out  # the warning about the Latin words joined at a cut
    assert "没有创建任何文章" in out
    assert not Article.objects.exists() and not Column.objects.exists()


def test_import_creates_a_draft_with_figures_waiting_for_photos(tmp_path):
    # A GB18030 export with Windows line ends, as layout systems on the desk write them.
    export = tmp_path / "page.txt"
    export.write_bytes(MARATHON.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030"))
    out = run(export, "--column", "体育", "--published-at", "2026-06-20 08:00")
    article = Article.objects.get()
    assert f"已创建草稿 #{article.pk}" in out
    assert reverse("admin:articles_article_change", args=[article.pk]) in out
    assert article.status == Article.Status.DRAFT
    assert article.title == "钱塘江畔跑出城市新活力"
    assert article.subtitle == "——记2026杭州马拉松赛事保障一线"
    assert article.column.name == "体育"
    assert [a.name for a in article.ordered_authors] == ["王晓东"]
    assert [f.caption for f in article.figures.all()] == [
        "赛道起点的志愿者服务站",
        "参赛选手冲过终点线",
    ]
    assert all(not f.image for f in article.figures.all())
    assert article.photo_credit == "摄影：陈晨"


def test_a_utf16_export_without_bom_is_imported(tmp_path):
    export = tmp_path / "page.txt"
    export.write_bytes(MARATHON.read_text(encoding="utf-8").encode("utf-16-le"))
    run(export)
    assert Article.objects.get().title == "钱塘江畔跑出城市新活力"


def test_publication_time_is_read_in_the_desks_time_zone():
    run(MARATHON, "--published-at", "2026-06-20 08:00")
    article = Article.objects.get()
    local = timezone.localtime(article.published_at)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2026, 6, 20, 8, 0)
    assert str(local.tzinfo) == "Asia/Shanghai"


def test_column_comes_from_the_badge_when_not_given():
    run(SEED)
    assert Article.objects.get().column.name == "打赢翻身仗 冲刺半年红"


def test_importing_the_same_page_twice_is_refused():
    run(SEED)
    with pytest.raises(CommandError, match="已经导入过"):
        run(SEED)
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "空的"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是文本文件"),
        (b"abc\x80\xff\xfe\x80", "编码"),
        ("字".encode() * 400_000, "文件太大"),
    ],
    ids=["empty", "binary", "undecodable", "over-1MB"],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_created(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(bad)
    assert not Article.objects.exists()


def test_a_file_too_big_is_refused_with_its_real_size(tmp_path):
    # The command reads one byte past the limit; the size it reports is the file's own.
    big = tmp_path / "big.txt"
    for size, shown in ((5_000_000, "5.0 MB，上限是 1 MB"), (1_000_001, "1,000,001 字节")):
        big.write_bytes(b"a" * size)
        with pytest.raises(CommandError, match=f"文件太大：{shown}"):
            run(big)
    assert not Article.objects.exists()


def test_a_page_too_big_on_standard_input_is_refused_with_its_real_size(tmp_path):
    env = production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_print_page", "-", "--dry-run"],
        cwd=ROOT,
        env=env,
        input=b"a" * 5_000_000,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "文件太大：5.0 MB，上限是 1 MB" in result.stderr.decode()


@pytest.mark.parametrize("debug", ["1", None], ids=["debug", "production"])
def test_json_goes_alone_to_stdout_and_logs_to_stderr(tmp_path, debug):
    # `… --json | jq` must work: a start-up log line on stdout broke it.
    env = production_env(tmp_path, DJANGO_DEBUG=debug, DJANGO_LOG_LEVEL="DEBUG")
    result = manage(env, "import_print_page", str(SEED), "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"].startswith("杭州钱塘智慧城")
    assert "AXES" in result.stderr  # the log line is still written, where logs go


def test_missing_file_and_json_without_dry_run_are_refused():
    with pytest.raises(CommandError, match="找不到文件"):
        run("/nonexistent/page.txt")
    with pytest.raises(CommandError, match="--dry-run"):
        run(SEED, "--json")
    with pytest.raises(CommandError, match="发布时间"):
        run(SEED, "--published-at", "next tuesday")
    assert not Article.objects.exists()


# --- the admin page ---------------------------------------------------------------------------


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_changelist_links_to_the_import_page(client, editor):
    page = soup(client.get(reverse("admin:articles_article_changelist")))
    link = page.find("a", string="从版面文本导入")
    assert link is not None and link["href"] == IMPORT_URL


def test_preview_shows_the_structure_beside_the_warnings_and_creates_nothing(client, editor):
    text = (PAGES / "elevators-four-authors.txt").read_text(encoding="utf-8")
    response = client.post(IMPORT_URL, {"text": text, "_preview": "预览"})
    assert response.status_code == 200
    page = soup(response)
    structure = page.select_one(".import-structure")
    assert structure.select_one(".import-title").get_text() == "老旧小区加装电梯按下快进键"
    assert [a.get_text() for a in structure.select(".author")] == [
        "本报记者 张峰",
        "本报记者 刘晓燕",
        "通讯员 欧阳明月",
        "通讯员 陈立",
    ]
    assert [h.get_text() for h in structure.select("h4")] == [
        "导语（无小标题）",
        "政策先行 破解资金难题",
        "协商共治 凝聚邻里共识",
    ]
    assert len(structure.select(".import-paragraph")) == 6
    assert len(structure.select(".import-figure")) == 2
    warnings = page.select(".import-warnings li")
    assert len(warnings) == 1 and "Smart" in warnings[0].get_text()
    # The text stays in the box for the next step.
    assert page.find("textarea", {"name": "text"}).get_text().strip() == text.strip()
    assert not Article.objects.exists()


def test_uploaded_gb18030_file_is_previewed_and_its_text_put_in_the_box(client, editor):
    text = MARATHON.read_text(encoding="utf-8")
    upload = SimpleUploadedFile("page.txt", text.replace("\n", "\r\n").encode("gb18030"))
    response = client.post(IMPORT_URL, {"text": "", "file": upload, "_preview": "预览"})
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one(".import-title").get_text() == "钱塘江畔跑出城市新活力"
    assert "赛道保障 一公里一站点" in page.find("textarea", {"name": "text"}).get_text()


def test_create_makes_a_draft_and_opens_its_change_page_saying_photos_are_missing(client, editor):
    text = SEED.read_text(encoding="utf-8")
    response = client.post(IMPORT_URL, {"text": text, "_create": "创建草稿"}, follow=True)
    article = Article.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    assert article.status == Article.Status.DRAFT
    assert article.created_by == editor
    assert [len(s.paragraphs) for s in article.sections.all()] == [6, 11, 6, 6]
    assert article.figures.count() == 6
    messages = " ".join(m.get_text() for m in soup(response).select(".messagelist li"))
    assert "已从版面文本创建草稿" in messages
    assert "6 张图片只有图片说明，还没有照片" in messages


def test_create_with_a_chosen_column_uses_it(client, editor):
    column = Column.objects.create(name="城市观察")
    text = SEED.read_text(encoding="utf-8")
    client.post(IMPORT_URL, {"text": text, "column": column.pk, "_create": "创建草稿"})
    assert Article.objects.get().column == column
    assert not Column.objects.filter(name="打赢翻身仗 冲刺半年红").exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (b"", "请粘贴版面文字"),  # an empty file is no file at all to the browser's form
        (b"\x00\x01\x02binary\x00", "不是文本文件"),
        (b"abc\x80\xff\xfe\x80", "编码"),
        ("字".encode() * 400_000, "文件太大"),
    ],
    ids=["empty", "binary", "undecodable", "over-1MB"],
)
def test_bad_upload_shows_the_error_keeps_the_typed_text_and_creates_nothing(
    client, editor, upload, message
):
    typed = "编辑先粘贴了一半的文字，"
    files = {"file": SimpleUploadedFile("page.txt", upload)} if upload else {}
    response = client.post(IMPORT_URL, {"text": typed if upload else "", **files, "_create": "1"})
    assert response.status_code == 400
    page = soup(response)
    assert message in page.select_one(".errorlist").get_text()
    if upload:
        assert page.find("textarea", {"name": "text"}).get_text().strip() == typed
    assert not Article.objects.exists()


def test_pasted_text_without_a_title_is_not_created(client, editor):
    typed = "只有一段正文，没有标题，也没有署名。"
    response = client.post(IMPORT_URL, {"text": typed, "_create": "创建草稿"})
    assert response.status_code == 400
    page = soup(response)
    assert "没有找到主题" in page.select_one(".errorlist").get_text()
    assert page.find("textarea", {"name": "text"}).get_text().strip() == typed
    assert not Article.objects.exists()


def test_second_import_of_the_same_page_links_to_the_first(client, editor):
    text = SEED.read_text(encoding="utf-8")
    client.post(IMPORT_URL, {"text": text, "_create": "创建草稿"})
    response = client.post(IMPORT_URL, {"text": text, "_create": "创建草稿"})
    assert response.status_code == 400
    first = Article.objects.get()
    link = soup(response).select_one(".errorlist a")
    assert link["href"] == reverse("admin:articles_article_change", args=[first.pk])


def test_reporter_can_import_and_then_edit_the_draft(client):
    reporter = make_reporter()
    client.force_login(reporter)
    text = MARATHON.read_text(encoding="utf-8")
    response = client.post(IMPORT_URL, {"text": text, "_create": "创建草稿"})
    article = Article.objects.get()
    assert response.status_code == 302
    assert article.created_by == reporter
    assert (
        client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 200
    )


def test_staff_without_add_permission_cannot_open_the_import_page(client):
    client.force_login(make_staff("viewer", perms=("view_article",)))
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"text": "x", "_create": "1"}).status_code == 403
    assert not Figure.objects.exists()


# --- figures made from captions wait for their photos -----------------------------------------


def imported_draft():
    article, _ = import_print_page(parse(SEED.read_text(encoding="utf-8")))
    return article


def test_model_validation_refuses_to_publish_figures_without_photos():
    article = imported_draft()
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    messages = error.value.message_dict["status"]
    assert "第 1 张图片还没有上传图片文件。" in messages
    assert "第 6 张图片还没有上传图片文件。" in messages


def test_model_validation_lets_it_publish_once_each_figure_has_a_photo_or_is_removed(client):
    article = imported_draft()
    figures = list(article.figures.all())
    for figure in figures[:3]:
        figure.image.save("photo.jpg", jpeg_upload(), save=True)
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    with pytest.raises(ValidationError) as error:  # three still wait for their photos
        article.full_clean()
    assert "第 4 张图片还没有上传图片文件。" in error.value.message_dict["status"]
    for figure in figures[3:]:
        figure.delete()
    try:
        article.full_clean()
    except ValidationError as refused:
        pytest.fail(f"publishing was refused: {refused.messages}")
    article.save()
    assert list(Article.objects.published()) == [article]
    page = soup(client.get(article.get_absolute_url()))
    assert [f.figcaption.find(string=True).strip() for f in page.select("article figure")] == [
        f.caption for f in figures[:3]
    ]


def test_change_page_and_list_say_the_photos_are_missing(client, editor):
    article = imported_draft()
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    messages = " ".join(m.get_text() for m in soup(response).select(".messagelist li"))
    assert "6 张图片只有图片说明，还没有照片" in messages
    listing = soup(client.get(reverse("admin:articles_article_changelist")))
    assert listing.select_one("td.field-photos_missing").get_text() == "6 张待上传"


def test_admin_refuses_to_publish_while_photos_are_missing_and_saves_nothing(client, editor):
    article = imported_draft()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data.update(publish_fields(timezone.now()))
    data["title"] = "编辑改过的标题"
    response = client.post(url, data)
    assert response.status_code == 200
    text = " ".join(e.get_text(" ", strip=True) for e in soup(response).select(".errorlist"))
    assert "第 1 张图片还没有上传图片文件" in text
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.title != "编辑改过的标题"


def test_admin_publishes_when_photos_are_uploaded_or_figures_removed_in_the_same_save(
    client, editor
):
    article = imported_draft()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data.update(publish_fields(timezone.now()))
    for index in range(4):
        data[f"figures-{index}-image"] = jpeg_upload(f"photo-{index}.jpg")
    data["figures-4-DELETE"] = "on"
    data["figures-5-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, soup(response).select(".errorlist")
    article.refresh_from_db()
    assert article.is_public
    assert article.figures.count() == 4
    assert all(f.image for f in article.figures.all())


def test_a_photographer_printed_with_a_caption_is_kept_on_its_figure():
    out = run(PAGES / "harbor-photo-credits.txt")
    assert "已创建草稿" in out
    figures = Article.objects.get().figures.all()
    assert [(f.caption, f.credit) for f in figures] == [
        ("梅山港区的自动化码头", "本报记者 许静 摄"),
        ("夜色中的穿山港区", "通讯员 林海 摄"),
    ]


def absurd_page():
    """Under the size limit, but ten thousand lines: 1,429 sections once made a draft."""
    lines = ["版面导入的极限", ""]
    for i in range(10_000):
        lines += [f"第{i}行正文，内容用于测试。" if i % 7 else f"小标题{i}", ""]
    return "\n".join(lines)


def test_the_command_refuses_a_page_that_would_make_an_absurd_draft(tmp_path):
    page = tmp_path / "book.txt"
    page.write_text(absurd_page(), encoding="utf-8")
    with pytest.raises(CommandError, match=r"1429 个小节（上限 100）.*8571 段正文（上限 2000）"):
        run(page)
    assert not Article.objects.exists()


def test_the_import_page_refuses_an_absurd_draft_and_keeps_the_text(client, editor):
    typed = absurd_page()
    response = client.post(IMPORT_URL, {"text": typed, "_preview": "预览"})
    assert response.status_code == 400
    page = soup(response)
    assert "会生成一篇过大的稿件" in page.select_one(".errorlist").get_text()
    assert page.find("textarea", {"name": "text"}).get_text().strip() == typed.strip()
    assert not Article.objects.exists()


# A whole page with several stories (issue 14): one draft each, linked to the page's text.

FRONT_PAGE = (
    Path(__file__).parent
    / "printpages"
    / "corpus"
    / "dev"
    / "crlf-front-page-four-stories-jump.txt"
)
FRONT_TITLES = [
    "钱塘新能源汽车产业链集中签约12个重大项目",
    "西湖申遗成功15周年系列活动启幕",
    "杭州发布今年首个高温黄色预警",
    "好项目要“签得下”更要“落得快”",
]


def test_the_json_of_a_page_with_several_stories_lists_them_with_the_furniture(tmp_path):
    out = run(FRONT_PAGE, "--dry-run", "--json")
    data = json.loads(out)
    assert [story["title"] for story in data["stories"]] == FRONT_TITLES
    assert data["furniture"][0] == "钱塘日报 | 2026年6月30日 | 星期二 | A01 | 要闻"
    first = data["stories"][0]
    assert first["bylines"] == [
        {"name": "俞敏", "role": "记者"},
        {"name": "钱江月", "role": "通讯员"},
    ]
    assert first["print"] == {
        "paper": "钱塘日报",
        "date": "2026-06-30",
        "page": "A01",
        "page_name": "要闻",
    }
    assert first["editors"] == ["胡晓", "林一"]
    assert {line["role"] for line in first["lines"]} >= {"title", "body"}  # names in a dateline
    assert not Article.objects.exists()


def test_importing_a_page_makes_a_draft_per_story_with_its_print_facts(client, editor):
    text = FRONT_PAGE.read_bytes().decode("utf-8")
    response = client.post(IMPORT_URL, {"text": text, "_create": "创建草稿"})
    assert response.status_code == 302
    articles = list(Article.objects.order_by("pk"))
    assert [a.title for a in articles] == FRONT_TITLES
    assert all(a.status == Article.Status.DRAFT for a in articles)
    source = articles[0].print_source
    assert source is not None and all(a.print_source_id == source.pk for a in articles)
    assert "责任编辑：胡晓 林一 美术编辑：陈默 校对：宋佳" in source.furniture.splitlines()
    first = articles[0]
    assert (first.print_publication, str(first.print_date), first.print_page) == (
        "钱塘日报",
        "2026-06-30",
        "A01",
    )
    assert first.print_page_name == "要闻" and first.print_editors == "胡晓 林一"
    assert [(b.role, b.author.name) for b in first.bylines.all()] == [
        ("记者", "俞敏"),
        ("通讯员", "钱江月"),
    ]
    assert articles[3].bylines.get().role == "本报评论员"
    # Staff can read the whole page it came from.
    page = soup(client.get(reverse("admin:articles_printsource_change", args=[source.pk])))
    assert "好项目要“签得下”更要“落得快”" in page.get_text()


def test_a_corrected_line_role_is_used_for_the_draft(client, editor):
    text = "城事\n\n运河边的夜市\n\n本报记者 方 圆\n\n第一段正文，写得很长。\n\n夜市里的新面孔\n\n第二段正文，也写得很长。"
    response = client.post(IMPORT_URL, {"text": text, "_preview": "预览"})
    page = soup(response)
    digest = page.find("input", {"name": "read_digest"})["value"]
    data = {"text": text, "read_digest": digest, "_create": "创建草稿"}
    for select in page.select("#import-lines select"):
        data[select["name"]] = select.find("option", selected=True)["value"]
    for box in page.select("#import-lines input[name^=story]"):
        data[box["name"]] = box.get("value", "")
    data["role-9"] = "heading"
    response = client.post(IMPORT_URL, data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert [s.heading for s in article.sections.all()] == ["", "夜市里的新面孔"]
    assert not article.figures.exists()


def test_corrections_made_for_other_text_are_not_applied(client, editor):
    text = (
        "运河边的夜市\n\n本报记者 方 圆\n\n第一段正文，写得很长。\n\n夜市里的新面孔\n\n第二段正文。"
    )
    response = client.post(
        IMPORT_URL, {"text": text, "read_digest": "0" * 16, "role-1": "body", "_create": "1"}
    )
    assert response.status_code == 200
    assert "之前对行角色的更正没有保留" in soup(response).get_text()
    assert not Article.objects.exists()


def test_a_commentary_signed_by_its_role_alone_keeps_that_byline(tmp_path):
    page = tmp_path / "comment.txt"
    page.write_text(
        "钱塘时评\n\n好项目要落得快\n\n本报评论员\n\n签约只是开始，落地才是关键。各部门要拿出办法来。",
        encoding="utf-8",
    )
    run(page)
    byline = Article.objects.get().bylines.get()
    assert (byline.author.name, byline.role) == ("本报评论员", "")


def test_the_same_page_with_other_corrections_is_not_imported_twice(client, editor):
    text = (
        "运河边的夜市\n\n本报记者 方 圆\n\n第一段正文，写得很长。\n\n夜市里的新面孔\n\n第二段正文。"
    )
    assert client.post(IMPORT_URL, {"text": text, "_create": "1"}).status_code == 302
    page = soup(client.post(IMPORT_URL, {"text": text, "_preview": "1"}))
    digest = page.find("input", {"name": "read_digest"})["value"]
    response = client.post(
        IMPORT_URL, {"text": text, "read_digest": digest, "role-7": "heading", "_create": "1"}
    )
    assert response.status_code == 400
    assert "这个版面已经导入过" in soup(response).get_text()
    assert Article.objects.count() == 1


def test_a_paste_that_reads_as_hundreds_of_stories_is_refused_briefly(client, editor):
    stories = [f"第{n}条标题\n\n本报记者 方 圆\n\n正文写了一段，内容{n}。" for n in range(60)]
    response = client.post(IMPORT_URL, {"text": "\n\n".join(stories), "_preview": "1"})
    assert response.status_code == 400
    assert "一个版面最多 30 篇" in soup(response).get_text()
    assert len(response.content) < 200_000


def test_an_impossible_publication_time_is_refused_with_a_message():
    for value in ("2026-02-30 08:00", "2026-13-01", "2026-06-01 25:00"):
        with pytest.raises(CommandError, match="看不懂的发布时间"):
            run(PAGES / "marathon-one-author.txt", "--published-at", value)
    assert not Article.objects.exists()


def test_re_previewing_keeps_the_editors_corrections_and_adds_none_of_its_own(client, editor):
    text = "运河边的夜市\n\n本报记者 方 圆\n\n第一段正文，写得很长。\n\n夜市里的新面孔\n\n第二段正文，也写得很长。"

    def preview(page, changes=None):
        data = {"text": text, "_preview": "1"}
        if page is not None:
            data["read_digest"] = page.find("input", {"name": "read_digest"})["value"]
            data["corrections"] = page.find("input", {"name": "corrections"})["value"]
            for select in page.select("#import-lines select"):
                data[select["name"]] = select.find("option", selected=True)["value"]
            for box in page.select("#import-lines input[name^=story]"):
                data[box["name"]] = box.get("value", "")
        data.update(changes or {})
        return soup(client.post(IMPORT_URL, data))

    first = preview(None)
    second = preview(first, {"role-7": "heading"})
    third = preview(second)
    fourth = preview(third)
    for page in (second, third, fourth):
        assert "已按你的 1 处更正重新识别" in page.select_one("#structure-heading").get_text()
        assert [h.get_text() for h in page.select(".import-section h4")] == [
            "导语（无小标题）",
            "夜市里的新面孔",
        ]


# From the second outside review of the import page.


@pytest.mark.parametrize("method", ["put", "delete", "patch", "options", "trace"])
def test_the_import_page_answers_only_get_head_and_post(client, editor, method):
    response = getattr(client, method)(IMPORT_URL)
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}


def test_a_paste_with_a_nul_or_form_feed_is_read_not_refused(client, editor):
    text = (
        "换页 测试稿\n\n本报记者 赵 六\n\n本报讯　地铁新线路今日开通。\x00\x0c全线共设站点12座。\n"
    )
    response = client.post(IMPORT_URL, {"text": text, "_preview": "预览"})
    assert response.status_code == 200
    page = soup(response)
    paragraphs = [li.get_text() for li in page.select(".import-paragraph")]
    assert paragraphs == ["本报讯　地铁新线路今日开通。", "全线共设站点12座。"]


def test_story_numbers_that_are_not_numbers_are_named_not_dropped_silently(client, editor):
    text = (PAGES / "elevators-four-authors.txt").read_text(encoding="utf-8")
    first = soup(client.post(IMPORT_URL, {"text": text, "_preview": "预览"}))
    digest = first.find("input", {"name": "read_digest"})["value"]
    response = client.post(
        IMPORT_URL,
        {"text": text, "_preview": "重新预览", "read_digest": digest, "story-8": "abc"},
    )
    assert response.status_code == 200
    assert "第 8 行的稿件号“abc”不是正整数，已忽略。" in soup(response).get_text()


def test_a_reporter_imports_a_page_without_making_public_columns(client):
    from .factories import make_member

    reporter = make_member("reporter-import", "记者")
    client.force_login(reporter)
    text = "书香杭城\n\n西湖边新开一家书店 市民点赞\n本报记者 王 强\n\n　　书店今天开门迎客。\n"
    first = soup(client.post(IMPORT_URL, {"text": text, "_preview": "预览"}))
    digest = first.find("input", {"name": "read_digest"})["value"]
    response = client.post(
        IMPORT_URL, {"text": text, "_create": "创建草稿", "read_digest": digest}, follow=True
    )
    article = Article.objects.get()
    assert article.title == "西湖边新开一家书店 市民点赞" and article.column is None
    assert not Column.objects.filter(name="书香杭城").exists()
    assert "没有对应的栏目" in soup(response).get_text()


def test_an_editor_imports_a_box_without_its_label_becoming_a_column(client, editor):
    text = "小贴士\n夏季采茶 谨防中暑\n\n　　采茶应避开中午。\n"
    first = soup(client.post(IMPORT_URL, {"text": text, "_preview": "预览"}))
    digest = first.find("input", {"name": "read_digest"})["value"]
    client.post(IMPORT_URL, {"text": text, "_create": "创建草稿", "read_digest": digest})
    assert Article.objects.get().column is None
    assert not Column.objects.filter(name="小贴士").exists()


def test_each_imported_draft_starts_its_history_with_its_own_import_revision(client, editor):
    # 从版面导入: the draft as imported can be restored after edits (the history page). One
    # revision per draft: a revision is restored whole, and restoring one story of the page
    # must leave the others as they are.
    text = FRONT_PAGE.read_bytes().decode("utf-8")
    response = client.post(IMPORT_URL, {"text": text, "_create": "创建草稿"})
    assert response.status_code == 302
    articles = list(Article.objects.order_by("pk"))
    assert [a.title for a in articles] == FRONT_TITLES
    for article in articles:
        [version] = Version.objects.get_for_object(article)
        assert version.revision.get_comment() == "从版面导入"
        assert version.revision.user == editor
        held = {(v.content_type.model, v.object_id) for v in version.revision.version_set.all()}
        assert ("article", str(article.pk)) in held
        assert {("section", str(s.pk)) for s in article.sections.all()} <= held
        assert not any(m == "article" and pk != str(article.pk) for m, pk in held)
