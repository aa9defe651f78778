"""Page uploads are judged by their content, like photos; a bad one gets a Chinese message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from epaper.models import Edition, Page, Publication
from epaper.pagefiles import PageFileError, check_page_file
from tests.factories import HTML, jpeg_bytes, media_files, png_header_only

from .build import DAY, pdf_bomb, pdf_with_page_size, picture, pillow_pdf, text_pdf


def upload(data, name):
    return SimpleUploadedFile(name, data)


def refusal(data, name):
    with pytest.raises(PageFileError) as caught:
        check_page_file(upload(data, name))
    return caught.value.messages[0]


def test_pdfs_and_pictures_are_accepted_by_content():
    assert check_page_file(upload(pillow_pdf(pages=2), "A01.pdf")).pages == 2
    assert check_page_file(upload(text_pdf()[0], "A01.pdf")).kind == "pdf"
    for format in ("JPEG", "PNG", "WEBP"):
        assert check_page_file(upload(picture(format), "A02.jpg")).kind == "image"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (jpeg_bytes(), "扩展名是 .pdf，内容却不是 PDF（其实是 JPEG 图片）"),
        (HTML, "扩展名是 .pdf，内容却不是 PDF（其实是网页（HTML）或文字）"),
        (b"PK\x03\x04" + bytes(100), "其实是压缩包或 Word/Excel 文档"),
        (b"%PDF-1.7\n" + b"garbage " * 100, "不是完好的 PDF"),
        (pdf_with_page_size(14400, 14400), "尺寸不像报纸版面（14400×14400 点）"),
        (pdf_with_page_size(600, 5000), "尺寸不像报纸版面"),
    ],
    ids=["jpeg", "html", "zip", "broken", "huge-page", "ribbon"],
)
def test_a_file_named_pdf_that_is_not_a_usable_pdf_is_refused_in_chinese(data, message):
    assert message in refusal(data, "A01.pdf")


def test_too_many_pages_too_big_or_too_many_pixels_are_refused(settings):
    settings.EPAPER_MAX_PDF_PAGES = 2
    assert "有 3 页，一个 PDF 最多 2 页" in refusal(pillow_pdf(pages=3), "all.pdf")
    settings.EPAPER_MAX_UPLOAD_MB = 0.001
    assert "文件“A01.pdf”太大" in refusal(pillow_pdf(), "A01.pdf")
    settings.EPAPER_MAX_UPLOAD_MB = 60
    settings.PHOTO_MAX_PIXELS = 1_000_000
    assert "像素太多" in refusal(picture("PNG", size=(1200, 1800)), "A02.png")
    assert "声称的尺寸大得离谱" in refusal(png_header_only(60000, 60000), "A02.png")


@pytest.mark.django_db
def test_a_pdf_bomb_is_refused_when_rendered_and_nothing_is_stored(tmp_path, media_root):
    from django.core.management import CommandError, call_command

    bomb = tmp_path / "A01.pdf"
    bomb.write_bytes(pdf_bomb())

    with pytest.raises(CommandError, match="PDF 炸弹"):
        call_command("import_edition", str(bomb), paper="杭州日报", date=DAY.isoformat())

    assert not Page.objects.exists()
    assert not [f for f in media_files(media_root) if "epaper" in f]


@pytest.mark.django_db
def test_the_admin_upload_says_what_is_wrong_and_stores_nothing(client, editor, media_root):
    edition = Edition.objects.create(
        publication=Publication.objects.create(name="杭州日报"), date=DAY
    )
    url = reverse("admin:epaper_edition_upload", args=[edition.pk])

    def files():
        return [
            upload(pillow_pdf(), "A01.pdf"),
            upload(jpeg_bytes(), "A02.pdf"),
            upload(pdf_with_page_size(14400, 14400), "A03.pdf"),
        ]

    orphan = client.post(url, {"files": [*files(), upload("无人认领".encode(), "A09.txt")]})
    bad = client.post(url, {"files": files()})

    assert orphan.status_code == bad.status_code == 200
    assert "没有上传任何版面" in orphan.content.decode()
    assert "文字文件“A09.txt”没有同名的版面文件" in orphan.content.decode()
    html = bad.content.decode()
    assert "文件“A02.pdf”的扩展名是 .pdf，内容却不是 PDF（其实是 JPEG 图片）" in html
    assert "尺寸不像报纸版面" in html
    assert not Page.objects.exists()
    assert not [f for f in media_files(media_root) if "epaper" in f]


@pytest.mark.django_db
def test_the_admin_upload_refuses_a_pdf_bomb_with_a_message_not_a_server_error(
    client, editor, media_root
):
    edition = Edition.objects.create(
        publication=Publication.objects.create(name="杭州日报"), date=DAY
    )

    response = client.post(
        reverse("admin:epaper_edition_upload", args=[edition.pk]),
        {"files": [upload(pdf_bomb(), "A01.pdf")]},
    )

    assert response.status_code == 200
    assert "PDF 炸弹" in response.content.decode()
    assert not Page.objects.exists()
