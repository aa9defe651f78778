"""One portable archive of the whole site: the database as JSON, plus the media files.

Layout of the .tar.gz (written by `manage.py export_site`, read by `manage.py import_site`):

    data.json       every row, through Django's serializers (natural keys, so the archive
                    loads into any fresh database, SQLite or PostgreSQL)
    media/<name>    every file a row refers to (originals and renditions), read through the
                    storage API, so local disk and S3 both work
    manifest.json   format version, and the size and SHA-256 of each of the above

Import checks the whole archive before it writes anything (readable to the end, every member
named in the manifest with the right size and hash, nothing else in it, JSON that parses),
loads the rows in one transaction (any bad row rolls all of them back), and only after that
commit writes the media files.
"""

import hashlib
import io
import json
import posixpath
import tarfile
import tempfile
import zlib
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone

FORMAT = "qiantang-site-archive"
VERSION = 1
# Rebuilt by migrate, or state that means nothing on another server.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "articles.sitechange",
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
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def export_archive(path):
    """Write the archive to path; returns (number of rows, files, missing file names)."""
    out = io.StringIO()
    call_command(
        "dumpdata",
        *[],
        exclude=EXCLUDED,
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
    )
    data = out.getvalue().encode("utf-8")
    rows = len(json.loads(data))
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "data": {"name": "data.json", "size": len(data), "sha256": _sha256(data), "rows": rows},
        "media": [],
        "missing_media": [],
    }
    # Written to a temporary name and renamed: a crash never leaves a half archive behind
    # under the real name.
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w:gz") as tar:
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
    partial.replace(path)
    return rows, len(manifest["media"]), manifest["missing_media"]


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


def site_is_empty():
    return not any(
        model._default_manager.exists()
        for model in exported_models()
        if model._meta.app_label not in {"auth"} or model._meta.model_name != "group"
    )


def import_archive(path, *, replace=False):
    """Load an archive into this site; returns (rows, files). Raises ArchiveError, changing
    nothing, when the archive is damaged, incomplete, or does not load."""
    manifest, data, files = read_archive(path)
    if not replace and not site_is_empty():
        raise ArchiveError(
            "this site already has content; import into an empty database, or pass --replace "
            "to delete the current content first (in the same transaction)"
        )
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "site.json"
        fixture.write_bytes(data)
        try:
            with transaction.atomic():
                if replace:
                    _delete_everything()
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
    return manifest["data"]["rows"], len(files)


def _delete_everything():
    # Children before parents is what the delete collector works out by itself; the loop
    # covers PROTECT relations by retrying until every table is empty.
    remaining = list(exported_models())
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
