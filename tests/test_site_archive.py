"""export_site / import_site: one archive round-trips the whole site; a bad one changes nothing."""

import hashlib
import io
import json
import tarfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.archive import EXCLUDED, exported_models, media_names
from articles.models import Article, Figure

from .factories import (
    make_article,
    make_author,
    make_column,
    make_correction,
    make_figure,
    make_staff,
)

pytestmark = pytest.mark.django_db


def site_snapshot():
    """Every exported row (as dumpdata writes it, in a stable order) and every media file."""
    out = io.StringIO()
    call_command(
        "dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=True, stdout=out
    )
    rows = sorted(json.dumps(row, sort_keys=True) for row in json.loads(out.getvalue()))
    files = {name: default_storage.open(name, "rb").read() for name in media_names()}
    return rows, files


def build_site():
    column = make_column("城事")
    article = make_article(
        "钱塘观潮",
        column=column,
        authors=[make_author("李岚")],
        sections=[("", "导语。"), ("小标题", "正文一段。\n\n正文二段。")],
    )
    for section in article.sections.all():  # real JPEGs, with the renditions they get on save
        make_figure(article, caption=f"图片：{section.position}", section=section)
    make_correction(article, note="更正：一处日期。")
    draft = make_article("还没发的稿子", published=False)
    editor = make_staff("desk")
    editor.set_password("pw")
    editor.save()
    return draft


def wipe_site(media_root):
    Article.objects.all().delete()  # corrections go only with their article
    for model in reversed(list(exported_models())):
        model._base_manager.all().delete()
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_export_wipe_import_gives_back_the_same_site(tmp_path, media_root, client):
    build_site()
    before = site_snapshot()
    assert len(before[1]) > 2  # originals and their renditions
    archive = tmp_path / "site.tar.gz"
    call_command("export_site", str(archive), stdout=io.StringIO())

    wipe_site(media_root)
    assert Article.objects.count() == 0 and not list(media_root.rglob("*.jpg"))

    call_command("import_site", str(archive), stdout=io.StringIO())
    assert site_snapshot() == before
    # And it works as a site: the article page shows, the editor can sign in.
    article = Article.objects.published().get()
    assert article.figures.count() == 2
    page = client.get(article.get_absolute_url()).content.decode()
    assert article.title in page and "更正：一处日期。" in page
    assert client.login(username="desk", password="pw")
    # New rows get new ids (PostgreSQL's sequences were moved past the imported ones).
    assert make_article("导入后的新稿").pk > article.pk


def archive_members(archive):
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def write_archive(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture
def exported(tmp_path, media_root):
    """An archive of a site, then an empty site (database and media) to import into."""
    build_site()
    archive = tmp_path / "site.tar.gz"
    call_command("export_site", str(archive), stdout=io.StringIO())
    wipe_site(media_root)
    return archive


def assert_nothing_imported(media_root):
    assert Article.objects.count() == 0
    assert Figure.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


def refused(archive, *args):
    with pytest.raises(CommandError) as error:
        call_command("import_site", str(archive), *args, stdout=io.StringIO())
    return str(error.value)


def test_a_truncated_archive_is_refused_whole(exported, media_root, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    data = exported.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    message = refused(cut)
    assert "damaged or incomplete" in message and "Nothing was changed" in message
    assert_nothing_imported(media_root)


def test_an_archive_with_a_changed_picture_is_refused_whole(exported, media_root, tmp_path):
    members = archive_members(exported)
    name = next(n for n in members if n.startswith("media/renditions/"))
    members[name] = members[name][:-10] + b"0123456789"
    tampered = tmp_path / "tampered.tar.gz"
    write_archive(tampered, members)
    assert name.removeprefix("media/") in refused(tampered)
    assert_nothing_imported(media_root)


def test_an_archive_missing_a_picture_is_refused_whole(exported, media_root, tmp_path):
    members = archive_members(exported)
    name = next(n for n in members if n.startswith("media/originals/"))
    del members[name]
    partial = tmp_path / "partial.tar.gz"
    write_archive(partial, members)
    assert "incomplete" in refused(partial)
    assert_nothing_imported(media_root)


def test_rows_that_do_not_load_roll_back_every_row_and_write_no_file(
    exported, media_root, tmp_path
):
    members = archive_members(exported)
    rows = json.loads(members["data.json"])
    # Two sections of one article at the same position: the database refuses the second,
    # after many rows have already gone in.
    sections = [r for r in rows if r["model"] == "articles.section"]
    sections[-1]["fields"]["position"] = sections[-2]["fields"]["position"]
    sections[-1]["fields"]["article"] = sections[-2]["fields"]["article"]
    data = json.dumps(rows).encode()
    manifest = json.loads(members["manifest.json"])
    manifest["data"].update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    members.update({"data.json": data, "manifest.json": json.dumps(manifest).encode()})
    bad = tmp_path / "bad-rows.tar.gz"
    write_archive(bad, members)
    assert "does not load" in refused(bad)
    assert_nothing_imported(media_root)


def test_a_site_with_content_is_not_overwritten_unless_asked(exported, tmp_path):
    make_article("现在的文章")
    assert "already has content" in refused(exported)
    assert Article.objects.get().title == "现在的文章"
    call_command("import_site", str(exported), "--replace", stdout=io.StringIO())
    assert not Article.objects.filter(title="现在的文章").exists()
    assert Article.objects.filter(title="还没发的稿子").exists()


def test_not_an_archive_at_all_is_refused(tmp_path, media_root):
    junk = tmp_path / "photo.jpg.tar.gz"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not a tarball")
    assert "damaged or incomplete" in refused(junk)
    assert "no such file" in refused(tmp_path / "nothing-here.tar.gz")
