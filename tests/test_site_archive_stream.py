"""The streamed site archive (version 2): its layout, progress and speed, the old format still
read, and damage found in a stream."""

import hashlib
import io
import json
import tarfile

import pytest
from django.core.management import call_command

from articles.archive import iter_media_names
from articles.models import Article, Figure

from .factories import make_article, make_figure
from .test_site_archive import (
    archive_members,
    build_site,
    data_rows,
    refused,
    site_snapshot,
    wipe_site,
    write_archive,
)

pytestmark = pytest.mark.django_db


def export(archive, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_site", str(archive), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_(archive, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_site", str(archive), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_archive_holds_rows_as_lines_then_media_in_name_order_then_their_list(
    tmp_path, media_root
):
    build_site()
    archive = tmp_path / "site.tar.gz"
    export(archive)
    members = archive_members(archive)
    names = list(members)
    media = [n for n in names if n.startswith("media/")]
    assert names == ["data.jsonl", *media, "media.jsonl", "manifest.json"]
    assert media == sorted(media) and len(media) == len(set(media)) > 2
    listed = [json.loads(line) for line in members["media.jsonl"].decode().splitlines()]
    assert [f"media/{e['name']}" for e in listed] == media
    for entry in listed:
        content = members[f"media/{entry['name']}"]
        assert entry["size"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
    manifest = json.loads(members["manifest.json"])
    assert manifest["version"] == 2
    assert manifest["data"]["rows"] == len(data_rows(members))
    assert manifest["data"]["articles"] == Article.objects.count() == 2
    assert manifest["media"]["files"] == len(media)


def test_both_commands_show_progress_on_stderr_and_report_their_speed(tmp_path, media_root):
    build_site()
    archive = tmp_path / "site.tar.gz"
    out, err = export(archive)
    rows = len(data_rows(archive_members(archive)))
    assert f"Rows: {rows:,}/{rows:,} (100%) rows" in err
    assert "Media files: " in err
    speed = next(line for line in out.splitlines() if line.startswith("Speed: "))
    assert "articles/s" in speed and "rows/s" in speed and "MB" in speed

    wipe_site(media_root)
    out, err = import_(archive)
    assert "Imported" in out and "(2 articles)" in out
    assert f"Rows loaded: {rows:,} rows" in err
    assert "Media files written: " in err
    assert "articles/s" in next(line for line in out.splitlines() if line.startswith("Speed: "))


def test_quiet_commands_show_no_progress(tmp_path, media_root):
    build_site()
    err = io.StringIO()
    call_command(
        "export_site", str(tmp_path / "a.tar.gz"), verbosity=0, stdout=io.StringIO(), stderr=err
    )
    assert err.getvalue() == ""


def test_a_file_shared_by_many_figures_is_archived_once(tmp_path, media_root):
    article = make_article("同图")
    first = make_figure(article, caption="一")
    for n in range(3):
        Figure.objects.create(article=article, position=10 + n, image=first.image.name)
    names = list(iter_media_names())
    assert len(names) == len(set(names))
    assert names.count(first.image.name) == 1
    archive = tmp_path / "site.tar.gz"
    export(archive)
    assert list(archive_members(archive)).count(f"media/{first.image.name}") == 1


def version_1(members):
    """The same site as the export before streaming wrote it: data.json, one JSON array, and
    the list of media files in manifest.json."""
    rows = data_rows(members)
    data = json.dumps(rows, ensure_ascii=False).encode()
    listed = [json.loads(line) for line in members["media.jsonl"].decode().splitlines()]
    manifest = json.loads(members["manifest.json"])
    old = {
        "format": manifest["format"],
        "version": 1,
        "created_at": manifest["created_at"],
        "users": manifest["users"],
        "data": {
            "name": "data.json",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "rows": len(rows),
        },
        "media": listed,
        "missing_media": [],
    }
    media = {n: c for n, c in members.items() if n.startswith("media/")}
    return {"data.json": data, **media, "manifest.json": json.dumps(old).encode()}


def test_an_archive_of_the_first_format_still_imports(tmp_path, media_root):
    build_site()
    before = site_snapshot()
    archive = tmp_path / "site.tar.gz"
    export(archive, "--include-users")
    old = tmp_path / "old.tar.gz"
    write_archive(old, version_1(archive_members(archive)))
    wipe_site(media_root)
    out, _ = import_(old)
    assert "Imported" in out
    assert site_snapshot() == before


@pytest.fixture
def members(tmp_path, media_root):
    build_site()
    archive = tmp_path / "site.tar.gz"
    export(archive)
    found = archive_members(archive)
    wipe_site(media_root)
    return found


def rewritten(tmp_path, members):
    path = tmp_path / "changed.tar.gz"
    write_archive(path, members)
    return path


def test_a_media_file_twice_is_refused(tmp_path, members, media_root):
    names = list(members)
    first = next(n for n in names if n.startswith("media/"))
    order = [*names[: names.index(first) + 1], first, *names[names.index(first) + 1 :]]
    path = tmp_path / "twice.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name in order:
            info = tarfile.TarInfo(name)
            info.size = len(members[name])
            tar.addfile(info, io.BytesIO(members[name]))
    assert "appears twice" in refused(path)
    assert Article.objects.count() == 0


def test_a_file_the_list_does_not_name_is_refused(tmp_path, members, media_root):
    members["media/zzz/extra.jpg"] = b"not listed"
    order = [n for n in members if n not in ("media.jsonl", "manifest.json")]
    reordered = {n: members[n] for n in [*order, "media.jsonl", "manifest.json"]}
    assert "not in the manifest" in refused(rewritten(tmp_path, reordered))
    assert Article.objects.count() == 0


def test_a_changed_media_list_is_refused(tmp_path, members, media_root):
    members["media.jsonl"] = members["media.jsonl"].replace(b'"size": ', b'"size": 1')
    assert "media.jsonl does not match the manifest" in refused(rewritten(tmp_path, members))


def test_loading_holds_one_page_cache_callback_not_one_per_row(
    tmp_path, members, media_root, client, django_capture_on_commit_callbacks
):
    archive = rewritten(tmp_path, members)
    assert "还没有发布的文章" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_(archive)
    assert len(data_rows(members)) > 20
    assert len(callbacks) <= 2
    # And the committed import starts a new generation: the home page shows the article.
    assert "钱塘观潮" in client.get("/").content.decode()


def test_a_freshly_migrated_site_with_its_groups_and_front_page_takes_the_archive(
    tmp_path, media_root
):
    from django.contrib.auth.models import Group

    from articles.models import FrontPage, FrontPageSlot

    build_site()
    article = Article.objects.published().first()
    FrontPageSlot.objects.create(
        front_page=FrontPage.the_one(), article=article, role=FrontPageSlot.Role.LEAD, position=1
    )
    archive = tmp_path / "site.tar.gz"
    export(archive)
    groups = sorted(Group.objects.values_list("name", flat=True))
    assert groups  # made by the migrations
    wipe_site(media_root)
    # As `migrate` leaves a new site: the desk's groups and the one front page are there.
    for name in groups:
        Group.objects.create(name=name)
    FrontPage.the_one()
    import_(archive)
    assert sorted(Group.objects.values_list("name", flat=True)) == groups
    assert Article.objects.count() == 2
    assert FrontPage.objects.count() == 1
    assert FrontPageSlot.objects.get().article.title == article.title
