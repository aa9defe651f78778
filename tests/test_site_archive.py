"""export_site / import_site: one archive round-trips the whole site; a bad one changes nothing."""

import hashlib
import io
import json
import os
import stat
import tarfile

import pytest
import reversion
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Version

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
    call_command("export_site", str(archive), "--include-users", stdout=io.StringIO())

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


def data_rows(members):
    """The rows of an archive's data.jsonl, one JSON object a line."""
    return [json.loads(line) for line in members["data.jsonl"].decode().splitlines()]


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


def rows_that_do_not_load(exported, tmp_path):
    """The exported archive with two sections of one article at the same position, its
    manifest's checksum made to match: the database refuses the second, after many rows have
    already gone in."""
    members = archive_members(exported)
    rows = data_rows(members)
    sections = [r for r in rows if r["model"] == "articles.section"]
    sections[-1]["fields"]["position"] = sections[-2]["fields"]["position"]
    sections[-1]["fields"]["article"] = sections[-2]["fields"]["article"]
    data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    manifest = json.loads(members["manifest.json"])
    manifest["data"].update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    members.update({"data.jsonl": data, "manifest.json": json.dumps(manifest).encode()})
    bad = tmp_path / "bad-rows.tar.gz"
    write_archive(bad, members)
    return bad


def test_rows_that_do_not_load_roll_back_every_row_and_write_no_file(
    exported, media_root, tmp_path
):
    bad = rows_that_do_not_load(exported, tmp_path)
    assert "does not load" in refused(bad)
    assert_nothing_imported(media_root)


def test_a_site_with_content_is_not_overwritten_unless_asked(exported, tmp_path):
    make_article("现在的文章")
    assert "already has content" in refused(exported)
    assert Article.objects.get().title == "现在的文章"
    call_command("import_site", str(exported), "--replace", stdout=io.StringIO())
    assert not Article.objects.filter(title="现在的文章").exists()
    assert Article.objects.filter(title="还没发的稿子").exists()


def test_replacing_deletes_the_old_sites_photos_after_the_commit_only(
    exported, media_root, tmp_path, django_capture_on_commit_callbacks
):
    # The site now has another article with a photo: its original and renditions are files.
    # --replace deletes its rows and, once the import commits, its files (read back from a
    # spool file, not one pending callback per file); a replace that fails deletes none.
    old = make_article("要被替换的文章")
    make_figure(old, caption="旧照片")
    old_files = [n for n in media_names() if default_storage.exists(n)]
    assert len(old_files) > 1  # the original and its renditions
    bad = rows_that_do_not_load(exported, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        assert "does not load" in refused(bad, "--replace")
    assert all(default_storage.exists(name) for name in old_files)
    assert Article.objects.filter(title="要被替换的文章").exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("import_site", str(exported), "--replace", stdout=io.StringIO())
    assert not any(default_storage.exists(name) for name in old_files)
    assert not Article.objects.filter(title="要被替换的文章").exists()
    assert all(default_storage.exists(name) for name in media_names())  # the imported site's
    assert Figure.objects.filter(caption="图片：2").exists()
    assert len(callbacks) <= 3  # the bump, the withdrawn pages, the files: not one per row


def test_times_come_back_to_the_microsecond(tmp_path, media_root, client):
    # Django's JSON encoder writes milliseconds: an imported site's list cursors (made of the
    # publication time) and sitemap lastmods would not be the exported site's.
    article = make_article("精确到微秒")
    Article.objects.filter(pk=article.pk).update(
        published_at=article.published_at.replace(microsecond=201748),
        updated_at=article.updated_at.replace(microsecond=654321),
    )
    before = Article.objects.values_list("published_at", "updated_at").get()
    home = client.get("/").content
    archive = tmp_path / "site.tar.gz"
    export(archive)
    wipe_site(media_root)
    call_command("import_site", str(archive), stdout=io.StringIO())
    assert Article.objects.values_list("published_at", "updated_at").get() == before
    assert client.get("/").content == home


def test_not_an_archive_at_all_is_refused(tmp_path, media_root):
    junk = tmp_path / "photo.jpg.tar.gz"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not a tarball")
    assert "damaged or incomplete" in refused(junk)
    assert "no such file" in refused(tmp_path / "nothing-here.tar.gz")


# --- What the archive holds, and who may read it ----------------------------------------------


def export(archive, *args):
    out = io.StringIO()
    call_command("export_site", str(archive), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_archive_is_readable_by_its_owner_only_whatever_the_umask(tmp_path, media_root):
    build_site()
    (tmp_path / "out").mkdir()
    archive = tmp_path / "out" / "site.tar.gz"
    archive.write_bytes(b"an older export, world-readable")
    archive.chmod(0o644)
    previous = os.umask(0)  # the loosest umask: nothing about the file may come from it
    try:
        export(archive)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert [p.name for p in archive.parent.iterdir()] == ["site.tar.gz"]  # no partial left
    with tarfile.open(archive, "r:gz") as tar:  # and `tar x` makes private files too
        assert {m.name: m.mode for m in tar} == dict.fromkeys(tar.getnames(), 0o600)


def test_password_hashes_are_left_out_unless_asked_for_and_the_output_says_so(tmp_path, media_root):
    build_site()
    hashed = get_user_model().objects.get(username="desk").password
    archive = tmp_path / "site.tar.gz"
    said = export(archive)
    data = archive_members(archive)["data.jsonl"].decode()
    assert hashed not in data and '"password"' not in data
    models = {row["model"] for row in data_rows(archive_members(archive))}
    assert "auth.user" not in models and "admin.logentry" not in models
    assert "--include-users" in said and "left out" in said

    said = export(archive, "--include-users")
    data = archive_members(archive)["data.jsonl"].decode()
    assert hashed in data
    assert "password hashes" in said and "included" in said


def test_an_archive_without_users_imports_and_articles_forget_who_created_them(
    tmp_path, media_root, client
):
    # An article created in the admin by a reporter, with a saved revision naming her.
    reporter = make_staff("reporter")
    with reversion.create_revision():
        article = make_article("记者的稿子", created_by=reporter)
        reversion.set_user(reporter)
    LogEntry.objects.create(
        user=reporter,
        content_type=ContentType.objects.get_for_model(Article),
        object_id=str(article.pk),
        object_repr="记者的稿子",
        action_flag=ADDITION,
    )
    archive = tmp_path / "site.tar.gz"
    export(archive)
    wipe_site(media_root)
    # The new site already has its own accounts; one happens to reuse the reporter's old id.
    someone_else = get_user_model().objects.create_user("someone-else", id=reporter.pk)
    admin_user = make_staff("new-admin", superuser=True)

    out = io.StringIO()
    call_command("import_site", str(archive), stdout=out)
    assert "no user accounts" in out.getvalue()
    article = Article.objects.get(title="记者的稿子")
    assert article.created_by is None
    version = Version.objects.get_for_object(article).get()
    assert version.revision.user is None
    # A restore from history must not hand the article to whoever has the old id now.
    assert version.field_dict["created_by_id"] is None
    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        "someone-else",
        "new-admin",
    }
    assert someone_else.pk == reporter.pk
    client.force_login(admin_user)
    assert client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 200


def test_replacing_a_site_with_an_archive_without_users_keeps_the_accounts(tmp_path, media_root):
    build_site()
    archive = tmp_path / "site.tar.gz"
    export(archive)
    make_article("现在的文章")
    call_command("import_site", str(archive), "--replace", stdout=io.StringIO())
    assert not Article.objects.filter(title="现在的文章").exists()
    assert get_user_model().objects.filter(username="desk").exists()
