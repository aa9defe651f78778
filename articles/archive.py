"""One portable archive of the whole site: the database as JSON, plus the media files.

Layout of the .tar.gz (written by `manage.py export_site`, read by `manage.py import_site`):

    data.json       every row, through Django's serializers (natural keys, so the archive
                    loads into any fresh database, SQLite or PostgreSQL)
    media/<name>    every file a row refers to (originals and renditions), read through the
                    storage API, so local disk and S3 both work
    manifest.json   format version, whether users are in it, and the size and SHA-256 of each
                    of the above

What it holds is private: drafts and scheduled articles, revisions, and the original photos
with their EXIF and GPS. So the file is created readable by its owner only (0600, from the
moment it exists, not chmod-ed afterwards). User accounts, with their password hashes, and the
admin's log of who did what are left out unless asked for (include_users); without them, every
reference to a user (an article's creator, a revision's author, also inside the revisions'
saved copies) is emptied, so the archive loads into a site that has accounts of its own and no
row points at whoever happens to hold an old id there.

Import checks the whole archive before it writes anything (readable to the end, every member
named in the manifest with the right size and hash, nothing else in it, JSON that parses),
loads the rows in one transaction (any bad row rolls all of them back), and only after that
commit writes the media files.
"""

import hashlib
import io
import json
import os
import posixpath
import tarfile
import tempfile
import zlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone

from . import search

FORMAT = "qiantang-site-archive"
VERSION = 1
# Rebuilt by migrate, or state that means nothing on another server.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    # Share-preview links are short-lived and tied to this site: not carried to another.
    "articles.previewlink",
]


class ArchiveError(Exception):
    """The archive cannot be imported; nothing was changed."""


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def exported_models():
    excluded_apps = {e for e in EXCLUDED if "." not in e}
    excluded_models = {e for e in EXCLUDED if "." in e}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in excluded_apps or meta.label_lower in excluded_models:
            continue
        if meta.proxy or not meta.managed:
            continue
        yield model


def user_model_label():
    return settings.AUTH_USER_MODEL.lower()


def _user_fields(model):
    """The names of model's foreign keys to the user model, and whether each may be empty."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return {
        field.name: field.null
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is user_model
    }


def user_models():
    """What only makes sense with the accounts: the users, and rows that cannot lose theirs
    (the admin's log entries)."""
    labels = [user_model_label()]
    for model in exported_models():
        if any(not null for null in _user_fields(model).values()):
            labels.append(model._meta.label_lower)
    return labels


def _forget_users(rows):
    """Empty every reference to a user in rows (and in the copies revisions keep)."""
    for row in rows:
        try:
            model = apps.get_model(row["model"])
        except LookupError:
            continue  # a revision's copy of a model since removed: nothing to point at
        fields = row["fields"]
        for name in _user_fields(model):
            if name in fields:
                fields[name] = None
        if row["model"] == "reversion.version" and fields.get("format") == "json":
            saved = json.loads(fields["serialized_data"])
            _forget_users(saved)
            fields["serialized_data"] = json.dumps(saved, ensure_ascii=False)
    return rows


def media_names():
    """Every stored file the exported rows refer to, sorted."""
    names = set()
    for model in exported_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(
                    n
                    for n in model._default_manager.exclude(**{field.name: ""}).values_list(
                        field.name, flat=True
                    )
                    if n
                )
    return sorted(names)


def _add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600  # `tar x` then makes private files too
    tar.addfile(info, io.BytesIO(data))


def export_archive(path, *, include_users=False):
    """Write the archive to path; returns (number of rows, files, missing file names)."""
    out = io.StringIO()
    call_command(
        "dumpdata",
        *[],
        exclude=EXCLUDED + ([] if include_users else user_models()),
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
    )
    rows = json.loads(out.getvalue())
    if not include_users:
        rows = _forget_users(rows)
    data = json.dumps(rows, indent=None, ensure_ascii=False).encode("utf-8")
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "users": include_users,
        "data": {
            "name": "data.json",
            "size": len(data),
            "sha256": _sha256(data),
            "rows": len(rows),
        },
        "media": [],
        "missing_media": [],
    }
    # Written to a temporary name beside it and renamed: a crash never leaves a half archive
    # under the real name. mkstemp creates that file with mode 0600 whatever the umask, so
    # the archive is never readable by others, not even while it is written; the rename
    # replaces any older archive of the same name, whatever its mode was.
    path = Path(path)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as file, tarfile.open(fileobj=file, mode="w:gz") as tar:
            _add(tar, "data.json", data)
            for name in media_names():
                try:
                    with default_storage.open(name, "rb") as f:
                        content = f.read()
                except (FileNotFoundError, OSError):
                    manifest["missing_media"].append(name)
                    continue
                _add(tar, f"media/{name}", content)
                manifest["media"].append(
                    {"name": name, "size": len(content), "sha256": _sha256(content)}
                )
            _add(tar, "manifest.json", json.dumps(manifest, indent=2).encode("utf-8"))
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return len(rows), len(manifest["media"]), manifest["missing_media"]


def _safe_media_name(name):
    clean = posixpath.normpath(name)
    if clean != name or clean.startswith(("/", "../")) or clean == ".." or "\\" in name:
        raise ArchiveError(f"unsafe file name in the archive: {name!r}")
    return clean


def read_archive(path):
    """Read and check the whole archive; returns (manifest, data bytes, {name: bytes})."""
    members = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    raise ArchiveError(f"unexpected entry {member.name!r} (not a plain file)")
                if member.name in members:
                    raise ArchiveError(f"{member.name!r} appears twice")
                members[member.name] = tar.extractfile(member).read()
    except ArchiveError:
        raise
    except FileNotFoundError:
        raise ArchiveError(f"no such file: {path}") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise ArchiveError(f"the archive is damaged or incomplete ({exc})") from None

    if "manifest.json" not in members:
        raise ArchiveError("manifest.json is missing: the archive is incomplete")
    try:
        manifest = json.loads(members.pop("manifest.json"))
    except ValueError as exc:
        raise ArchiveError(f"manifest.json is not valid JSON ({exc})") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ArchiveError(
            f"not a site archive of version {VERSION} "
            f"(format {manifest.get('format')!r}, version {manifest.get('version')!r})"
        )

    data = members.pop("data.json", None)
    expected = manifest["data"]
    if data is None:
        raise ArchiveError("data.json is missing: the archive is incomplete")
    if len(data) != expected["size"] or _sha256(data) != expected["sha256"]:
        raise ArchiveError("data.json does not match the manifest: the archive is damaged")
    try:
        rows = json.loads(data)
    except ValueError as exc:
        raise ArchiveError(f"data.json is not valid JSON ({exc})") from None
    if not isinstance(rows, list) or len(rows) != expected["rows"]:
        raise ArchiveError("data.json does not hold the rows the manifest counts")
    for row in rows:
        try:
            apps.get_model(row["model"])
        except (KeyError, LookupError, TypeError, ValueError):
            raise ArchiveError(f"data.json names an unknown model: {row!r:.120}") from None

    files = {}
    for entry in manifest["media"]:
        name = _safe_media_name(entry["name"])
        content = members.pop(f"media/{name}", None)
        if content is None:
            raise ArchiveError(f"media file {name} is missing: the archive is incomplete")
        if len(content) != entry["size"] or _sha256(content) != entry["sha256"]:
            raise ArchiveError(f"media file {name} does not match the manifest: damaged")
        files[name] = content
    if members:
        raise ArchiveError(f"files not in the manifest: {', '.join(sorted(members))}")
    return manifest, data, files


def _replaced_models(with_users):
    """What an import fills, so what must be empty before it (or deleted, with --replace):
    the accounts only when the archive brings its own."""
    kept = set() if with_users else set(user_models())
    return [m for m in exported_models() if m._meta.label_lower not in kept]


def site_is_empty(with_users=True):
    return not any(
        model._default_manager.exists()
        for model in _replaced_models(with_users)
        if model._meta.app_label not in {"auth"} or model._meta.model_name != "group"
    )


def archive_has_users(manifest):
    # Archives written before users could be left out always had them.
    return manifest.get("users", True)


def import_archive(path, *, replace=False):
    """Load an archive into this site; returns (rows, files, whether it brought users).
    Raises ArchiveError, changing nothing, when the archive is damaged, incomplete, or does
    not load. An archive without users leaves this site's accounts as they are."""
    manifest, data, files = read_archive(path)
    with_users = archive_has_users(manifest)
    if not replace and not site_is_empty(with_users):
        raise ArchiveError(
            "this site already has content; import into an empty database, or pass --replace "
            "to delete the current content first (in the same transaction)"
        )
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "site.json"
        fixture.write_bytes(data)
        try:
            # The search index learns of each article once, at the end, in the same transaction.
            with transaction.atomic(), search.deferred():
                if replace:
                    _delete_everything(_replaced_models(with_users))
                call_command("loaddata", str(fixture), verbosity=0)
        except Exception as exc:  # a row that does not load: nothing was written
            raise ArchiveError(f"the data does not load, nothing was imported ({exc})") from exc
    # Only now that the rows are in: the files they refer to.
    for name, content in files.items():
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:
            raise ArchiveError(f"media file {name} was stored as {saved}")
    return manifest["data"]["rows"], len(files), with_users


def _delete_everything(models_to_empty):
    # Children before parents is what the delete collector works out by itself; the loop
    # covers PROTECT relations by retrying until every table is empty.
    remaining = list(models_to_empty)
    for _ in range(len(remaining) + 1):
        still = []
        for model in remaining:
            try:
                with transaction.atomic():
                    model._base_manager.all().delete()
            except models.ProtectedError:
                still.append(model)
        remaining = still
        if not remaining:
            return
    raise ArchiveError("could not empty the site before importing")
