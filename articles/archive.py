"""One portable archive of the whole site: the database as JSON lines, plus the media files.

Layout of the .tar.gz (written by `manage.py export_site`, read by `manage.py import_site`),
version 2, in this order:

    data.jsonl      every row, one JSON object a line, through Django's "jsonl" serializer
                    (natural keys, so the archive loads into any fresh database, SQLite or
                    PostgreSQL), models in dependency order, rows in id order
    media/<name>    every file a row refers to (originals and renditions), read through the
                    storage API, so local disk and S3 both work; in name order, each once
    media.jsonl     one line per media file, in the same order: name, size, SHA-256
    manifest.json   format version, whether users are in it, the size and SHA-256 of
                    data.jsonl and media.jsonl, how many rows and files

Both commands stream, so their memory does not grow with the archive (bench/archive_export.py
measures it): rows are read with QuerySet.iterator() and written a line at a time, media files
are copied through in chunks, and nothing holds a list of every row or file. data.jsonl and
media.jsonl are written to a temporary folder beside the archive first (a tar member's size is
written before its bytes); the import reads the archive twice, once to check it and keep
data.jsonl in a temporary file, once after the rows are in to write the media files. Both show
their progress on stderr and report their speed.

Version 1 archives (data.json, one JSON array, and the file list inside manifest.json) are
still read, in memory as before.

What it holds is private: drafts and scheduled articles, revisions, and the original photos
with their EXIF and GPS. So the file is created readable by its owner only (0600, from the
moment it exists, not chmod-ed afterwards). User accounts, with their password hashes, and the
admin's log of who did what are left out unless asked for (include_users); without them, every
reference to a user (an article's creator, a revision's author, also inside the revisions'
saved copies) is emptied, so the archive loads into a site that has accounts of its own and no
row points at whoever happens to hold an old id there.

Import checks the whole archive before it writes anything (readable to the end, every member
where the layout puts it with the right size and hash, nothing else in it), loads the rows in
one transaction (any bad row rolls all of them back), and only after that commit writes the
media files.
"""

import datetime as dt
import functools
import hashlib
import heapq
import io
import json
import os
import posixpath
import shutil
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models.functions import Collate
from django.utils import timezone

from . import pagecache, search
from .images.renditions import files_deleted_after_commit

FORMAT = "qiantang-site-archive"
VERSION = 2
DATA, MEDIA_INDEX, MANIFEST = "data.jsonl", "media.jsonl", "manifest.json"
# Rows fetched per database round trip while exporting.
CHUNK_ROWS = 2000
# At most this many missing media files are named in the manifest (all are counted).
MISSING_NAMED = 100
MANIFEST_MAX_BYTES = 1 << 20
# Rebuilt by migrate, or state that means nothing on another server.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    # Share-preview links are short-lived and tied to this site: not carried to another.
    "articles.previewlink",
    # The task worker's queue and results: this server's bookkeeping. Renditions a figure
    # still lacks are made on the new site by `regenerate_renditions --missing` (make serve).
    "django_tasks_database",
]
# Rows `migrate` itself makes in a new site (the desk's groups, the one front page): a new
# site with only these is empty, and the archive's rows replace them.
MADE_BY_MIGRATE = {"auth.group", "articles.frontpage"}


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


@functools.lru_cache(maxsize=256)
def _user_field_names(label):
    try:
        return tuple(_user_fields(apps.get_model(label)))
    except LookupError:
        return ()  # a revision's copy of a model since removed: nothing to point at


def user_models():
    """What only makes sense with the accounts: the users, and rows that cannot lose theirs
    (the admin's log entries)."""
    labels = [user_model_label()]
    for model in exported_models():
        if any(not null for null in _user_fields(model).values()):
            labels.append(model._meta.label_lower)
    return labels


def _forget_users_in(row):
    """Empty every reference to a user in one serialized row (and in a revision's copies)."""
    fields = row["fields"]
    for name in _user_field_names(row["model"]):
        if name in fields:
            fields[name] = None
    if row["model"] == "reversion.version" and fields.get("format") == "json":
        saved = json.loads(fields["serialized_data"])
        _forget_users(saved)
        fields["serialized_data"] = json.dumps(saved, ensure_ascii=False)
    return row


def _forget_users(rows):
    for row in rows:
        _forget_users_in(row)
    return rows


def iter_media_names():
    """Every stored file the exported rows refer to, sorted by code point, each once.

    Each file field's names come sorted from the database (in its byte order, whatever the
    database's own collation, so that they merge in Python's order), and the sorted streams
    are merged: no set or list of every name is ever held."""
    binary = "C" if connection.vendor == "postgresql" else "BINARY"
    streams = []
    for model in exported_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                name = model_field.name
                streams.append(
                    model._default_manager.exclude(**{name: ""})
                    .exclude(**{f"{name}__isnull": True})
                    .annotate(sort_name=Collate(name, binary))
                    .order_by("sort_name")
                    .values_list(name, flat=True)
                    .distinct()
                    .iterator(chunk_size=CHUNK_ROWS)
                )
    previous = None
    for name in heapq.merge(*streams):
        if name != previous:
            yield name
            previous = name


def media_names():
    """Every stored file the exported rows refer to, sorted (a list: for tests and small sites)."""
    return list(iter_media_names())


# --- progress and speed ---------------------------------------------------------------------


class Progress:
    """One line of progress on a stream (stderr): done of total, the pace, the bytes.

    On a terminal the line is rewritten five times a second; elsewhere (a log, a pipe) a line
    is written every PLAIN_SECONDS, so a long run leaves a readable trail."""

    PLAIN_SECONDS = 5.0

    def __init__(self, stream, label, total=None, unit="rows"):
        self.stream, self.label, self.total, self.unit = stream, label, total, unit
        self.done = self.bytes = 0
        self.started = self.shown = time.monotonic()
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.every = 0.2 if self.tty else self.PLAIN_SECONDS

    def add(self, count=1, size=0):
        self.done += count
        self.bytes += size
        if self.stream is not None and time.monotonic() - self.shown >= self.every:
            self.show()

    def line(self):
        elapsed = max(time.monotonic() - self.started, 1e-9)
        text = f"{self.label}: {self.done:,}"
        if self.total:
            text += f"/{self.total:,} ({100 * self.done / self.total:.0f}%)"
        text += f" {self.unit}, {self.done / elapsed:,.0f} {self.unit}/s"
        if self.bytes:
            text += f", {self.bytes / 1e6:,.1f} MB"
        return text

    def show(self, end=False):
        self.shown = time.monotonic()
        if self.stream is None:
            return
        if self.tty:
            self.stream.write("\r" + self.line() + ("\n" if end else ""))
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def finish(self):
        self.show(end=True)


@dataclass
class Report:
    """What an export or import did, and how fast."""

    rows: int = 0
    articles: int = 0
    files: int = 0
    media_bytes: int = 0
    archive_bytes: int = 0
    seconds: float = 0.0
    users: bool = False
    missing: list = field(default_factory=list)  # the first MISSING_NAMED names
    missing_count: int = 0

    def speed(self):
        """Articles/s, rows/s and MB/s of the archive (its size and the time it took)."""
        seconds = max(self.seconds, 1e-9)
        megabytes = self.archive_bytes / 1e6
        return (
            f"{self.articles / seconds:,.0f} articles/s, {self.rows / seconds:,.0f} rows/s, "
            f"{megabytes / seconds:,.1f} MB/s ({megabytes:,.1f} MB in {self.seconds:,.1f} s)"
        )


class _Hashing:
    """A binary file written or read through, with its size and SHA-256 kept."""

    def __init__(self, file):
        self.file = file
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.file.write(data)
        self.sha.update(data)
        self.size += len(data)

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha.update(data)
        self.size += len(data)
        return data

    def digest(self):
        return self.sha.hexdigest()


# --- export ---------------------------------------------------------------------------------


class _FullPrecision(DjangoJSONEncoder):
    """Times to the microsecond: DjangoJSONEncoder cuts them to milliseconds, so an imported
    site's publication times (and the list cursors and sitemap lastmods made of them) would
    differ from the exported site's."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class _RowWriter(jsonl.Serializer):
    """Django's JSON-lines serializer, one write per row, users forgotten on the way."""

    def __init__(self, forget_users, progress):
        super().__init__()
        self.forget_users = forget_users
        self.progress = progress
        self.rows = 0

    def end_object(self, obj):
        row = self.get_dump_object(obj)
        if self.forget_users:
            _forget_users_in(row)
        self.stream.write(json.dumps(row, **self.json_kwargs) + "\n")
        self._current = None
        self.rows += 1
        self.progress.add()


def _models_in_order(include_users):
    """The exported models, each after those it refers to, as dumpdata orders them."""
    left_out = set() if include_users else set(user_models())
    app_list = {}
    for model in exported_models():
        if model._meta.label_lower not in left_out:
            app_list.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def _member(name, size):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600  # `tar x` then makes private files too
    return info


def _add(tar, name, data):
    tar.addfile(_member(name, len(data)), io.BytesIO(data))


def _add_file(tar, name, path):
    with open(path, "rb") as file:
        tar.addfile(_member(name, os.fstat(file.fileno()).st_size), file)


def export_archive(path, *, include_users=False, progress=None):
    """Write the archive to path (streaming; see the module's docstring); returns a Report.
    progress: where to show progress (stderr), or None."""
    started = time.monotonic()
    report = Report(users=include_users)
    ordered = _models_in_order(include_users)
    Article = apps.get_model("articles", "Article")
    # Written to a temporary name beside it and renamed: a crash never leaves a half archive
    # under the real name. mkstemp creates that file with mode 0600 whatever the umask, so
    # the archive is never readable by others, not even while it is written; the rename
    # replaces any older archive of the same name, whatever its mode was. The rows and the
    # media list wait in a private temporary folder beside it (mkdtemp: mode 0700).
    path = Path(path)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".partial")
    folder = Path(tempfile.mkdtemp(dir=path.parent, prefix=path.name + ".", suffix=".parts"))
    try:
        total = sum(model._default_manager.count() for model in ordered)
        rows = Progress(progress, "Rows", total)
        data = _Hashing(open(folder / DATA, "wb"))  # noqa: SIM115 - closed below
        with data.file:
            writer = _RowWriter(forget_users=not include_users, progress=rows)
            for model in ordered:
                queryset = model._default_manager.order_by(model._meta.pk.name)
                writer.serialize(
                    queryset.iterator(chunk_size=CHUNK_ROWS),
                    stream=data,
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=True,
                    cls=_FullPrecision,
                )
        rows.finish()
        report.rows = writer.rows
        report.articles = Article._default_manager.count()

        files = Progress(progress, "Media files", unit="files")
        index = _Hashing(open(folder / MEDIA_INDEX, "wb"))  # noqa: SIM115 - closed below
        with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
            _add_file(tar, DATA, folder / DATA)
            with index.file:
                for name in iter_media_names():
                    try:
                        with default_storage.open(name, "rb") as stored:
                            size = stored.size
                            reader = _Hashing(stored)
                            tar.addfile(_member(f"media/{name}", size), reader)
                    except (FileNotFoundError, OSError):
                        report.missing_count += 1
                        if len(report.missing) < MISSING_NAMED:
                            report.missing.append(name)
                        continue
                    entry = {"name": name, "size": size, "sha256": reader.digest()}
                    index.write(json.dumps(entry, ensure_ascii=False) + "\n")
                    report.files += 1
                    report.media_bytes += size
                    files.add(size=size)
            files.finish()
            _add_file(tar, MEDIA_INDEX, folder / MEDIA_INDEX)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "users": include_users,
                "data": {
                    "name": DATA,
                    "size": data.size,
                    "sha256": data.digest(),
                    "rows": report.rows,
                    "articles": report.articles,
                },
                "media": {
                    "name": MEDIA_INDEX,
                    "size": index.size,
                    "sha256": index.digest(),
                    "files": report.files,
                    "bytes": report.media_bytes,
                },
                "missing_media": report.missing,
                "missing_media_count": report.missing_count,
            }
            _add(tar, MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report.archive_bytes = path.stat().st_size
    report.seconds = time.monotonic() - started
    return report


# --- import ---------------------------------------------------------------------------------


def _safe_media_name(name):
    clean = posixpath.normpath(name)
    if clean != name or clean.startswith(("/", "../")) or clean == ".." or "\\" in name:
        raise ArchiveError(f"unsafe file name in the archive: {name!r}")
    return clean


def _damaged(exc):
    return ArchiveError(f"the archive is damaged or incomplete ({exc})")


def _open_stream(path):
    """The archive as a stream of members (tarfile's "r|gz": read once, front to back)."""
    try:
        return tarfile.open(path, "r|gz")
    except FileNotFoundError:
        raise ArchiveError(f"no such file: {path}") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise _damaged(exc) from None


def _first_member_name(path):
    with _open_stream(path) as tar:
        try:
            first = tar.next()
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise _damaged(exc) from None
    if first is None:
        raise ArchiveError("the archive is empty")
    return first.name


def _copy(source, target, progress=None):
    """Copy a member's bytes to target (a _Hashing), in chunks."""
    while chunk := source.read(1 << 20):
        target.write(chunk)
        if progress is not None:
            progress.add(0, len(chunk))


@dataclass
class _Checked:
    manifest: dict
    data_path: Path


def _check_archive(path, folder, progress=None):
    """Read the whole archive once and check it against its manifest (see the module's
    docstring), keeping data.jsonl in folder; raises ArchiveError. Memory stays flat: the media
    files are only hashed, and their list is compared with the archive's line by line."""
    data_path, index_path, seen_path = folder / DATA, folder / MEDIA_INDEX, folder / "seen.jsonl"
    manifest, data, index, previous = None, None, None, None
    reading = Progress(progress, "Checking", unit="files")
    try:
        with _open_stream(path) as tar, open(seen_path, "w", encoding="utf-8") as seen:
            for member in tar:
                name = member.name
                if not member.isfile():
                    raise ArchiveError(f"unexpected entry {name!r} (not a plain file)")
                source = tar.extractfile(member)
                if name == DATA and data is None and previous is None and index is None:
                    data = _Hashing(open(data_path, "wb"))  # noqa: SIM115 - closed below
                    with data.file:
                        _copy(source, data, reading)
                elif name.startswith("media/") and data is not None and index is None:
                    media = _safe_media_name(name.removeprefix("media/"))
                    if previous is not None and media <= previous:
                        said = "appears twice" if media == previous else "is out of order"
                        raise ArchiveError(f"{name!r} {said}")
                    previous = media
                    hashed = _Hashing(io.BytesIO())
                    while chunk := source.read(1 << 20):
                        hashed.sha.update(chunk)
                        hashed.size += len(chunk)
                    entry = {"name": media, "size": hashed.size, "sha256": hashed.digest()}
                    seen.write(json.dumps(entry, ensure_ascii=False) + "\n")
                    reading.add(1, hashed.size)
                elif name == MEDIA_INDEX and data is not None and index is None:
                    index = _Hashing(open(index_path, "wb"))  # noqa: SIM115 - closed below
                    with index.file:
                        _copy(source, index)
                elif name == MANIFEST and index is not None and manifest is None:
                    raw = source.read(MANIFEST_MAX_BYTES + 1)
                    if len(raw) > MANIFEST_MAX_BYTES:
                        raise ArchiveError("manifest.json is too large")
                    try:
                        manifest = json.loads(raw)
                    except ValueError as exc:
                        raise ArchiveError(f"manifest.json is not valid JSON ({exc})") from None
                elif name in (DATA, MEDIA_INDEX, MANIFEST):
                    raise ArchiveError(f"{name!r} appears twice or out of place")
                else:
                    raise ArchiveError(f"files not in the manifest: {name}")
    except ArchiveError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise _damaged(exc) from None
    reading.finish()

    if manifest is None:
        raise ArchiveError("manifest.json is missing: the archive is incomplete")
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ArchiveError(
            f"not a site archive of version {VERSION} "
            f"(format {manifest.get('format')!r}, version {manifest.get('version')!r})"
        )
    expected = manifest["data"]
    if data.size != expected["size"] or data.digest() != expected["sha256"]:
        raise ArchiveError("data.jsonl does not match the manifest: the archive is damaged")
    listed = manifest["media"]
    if index.size != listed["size"] or index.digest() != listed["sha256"]:
        raise ArchiveError("media.jsonl does not match the manifest: the archive is damaged")
    _compare_media(index_path, seen_path)
    return _Checked(manifest, data_path)


def _media_lines(path):
    with open(path, encoding="utf-8") as file:
        for line in file:
            try:
                entry = json.loads(line)
                yield entry["name"], entry["size"], entry["sha256"]
            except (ValueError, KeyError, TypeError):
                raise ArchiveError(f"a line of {path.name} cannot be read") from None


def _compare_media(index_path, seen_path):
    """The media files listed and the media files found, both in name order, side by side."""
    listed, found = _media_lines(index_path), _media_lines(seen_path)
    want, have = next(listed, None), next(found, None)
    while want is not None or have is not None:
        if have is None or (want is not None and want[0] < have[0]):
            raise ArchiveError(f"media file {want[0]} is missing: the archive is incomplete")
        if want is None or have[0] < want[0]:
            raise ArchiveError(f"files not in the manifest: media/{have[0]}")
        if want != have:
            raise ArchiveError(f"media file {want[0]} does not match the manifest: damaged")
        want, have = next(listed, None), next(found, None)


def _load_rows(fixture, replace, with_users, progress):
    """Load the rows of fixture (a .json or .jsonl file) in one transaction; returns the
    number of rows and of articles. Any row that does not load rolls back every one."""
    try:
        # One page-cache bump for the whole load, not one pending callback per row.
        # The search index learns of each article once, at the end, in the same transaction.
        with transaction.atomic(), pagecache.one_bump(), search.deferred():
            if replace:
                with files_deleted_after_commit():
                    _delete_everything(_replaced_models(with_users))
            return _insert_rows(fixture, progress)
    except Exception as exc:  # a row that does not load: nothing was written
        raise ArchiveError(f"the data does not load, nothing was imported ({exc})") from exc


def _insert_rows(fixture, progress):
    """What `manage.py loaddata` does, a row at a time from the file, with one difference:
    the site is empty (checked, or emptied in this transaction), so a row that comes with its
    id is inserted without first trying an UPDATE of a row that cannot exist (half the
    queries). Rows of a table that is not empty (what migrate makes: the desk's groups, found
    by their natural key, and the one front page) are saved as loaddata saves them.

    Rows are saved raw, as loaddata saves them (no renditions made, the receivers see
    raw=True); references to rows further on are filled in at the end; foreign keys are
    checked once all are in, and PostgreSQL's sequences moved past the imported ids."""
    Article = apps.get_model("articles", "Article")
    counted = Progress(progress, "Rows loaded")
    articles = 0
    loaded, deferred = set(), []
    filled = {model for model in exported_models() if model._base_manager.exists()}
    form = "jsonl" if fixture.suffix == ".jsonl" else "json"
    with open(fixture, encoding="utf-8") as stream, connection.constraint_checks_disabled():
        for row in serializers.deserialize(form, stream, handle_forward_references=True):
            model = type(row.object)
            row.save(force_insert=model not in filled and not hasattr(model, "natural_key"))
            if row.deferred_fields:
                deferred.append(row)
            loaded.add(model)
            articles += model is Article
            counted.add()
        for row in deferred:
            row.save_deferred_fields()
    connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
    statements = connection.ops.sequence_reset_sql(no_style(), list(loaded))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    counted.finish()
    return counted.done, articles


def _store(name, content):
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, content)
    if saved != name:
        raise ArchiveError(f"media file {name} was stored as {saved}")


def _write_media(path, progress):
    """Stream the archive once more, writing each media file to storage; returns the count
    and bytes."""
    written = Progress(progress, "Media files written", unit="files")
    with _open_stream(path) as tar:
        for member in tar:
            if member.name.startswith("media/"):
                name = member.name.removeprefix("media/")
                _store(name, File(tar.extractfile(member), name=name))
                written.add(1, member.size)
    written.finish()
    return written.done, written.bytes


def read_archive(path):
    """Read and check a whole version 1 archive in memory; returns (manifest, data bytes,
    {name: bytes}). Version 1 archives are small: they were made by the export before this
    one, which held the whole archive in memory too."""
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
        raise _damaged(exc) from None

    if "manifest.json" not in members:
        raise ArchiveError("manifest.json is missing: the archive is incomplete")
    try:
        manifest = json.loads(members.pop("manifest.json"))
    except ValueError as exc:
        raise ArchiveError(f"manifest.json is not valid JSON ({exc})") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != 1:
        raise ArchiveError(
            f"not a site archive of version 1 "
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
        if model._meta.label_lower not in MADE_BY_MIGRATE
    )


def archive_has_users(manifest):
    # Archives written before users could be left out always had them.
    return manifest.get("users", True)


def _refuse_unless_empty(replace, with_users):
    if not replace and not site_is_empty(with_users):
        raise ArchiveError(
            "this site already has content; import into an empty database, or pass --replace "
            "to delete the current content first (in the same transaction)"
        )


def import_archive(path, *, replace=False, progress=None):
    """Load an archive into this site; returns a Report (users: whether it brought users).
    Raises ArchiveError, changing nothing, when the archive is damaged, incomplete, or does
    not load. An archive without users leaves this site's accounts as they are.
    progress: where to show progress (stderr), or None."""
    started = time.monotonic()
    if _first_member_name(path) == "data.json":
        report = _import_version_1(path, replace, progress)
    else:
        with tempfile.TemporaryDirectory(prefix="qiantang-import-") as folder:
            checked = _check_archive(path, Path(folder), progress)
            with_users = archive_has_users(checked.manifest)
            _refuse_unless_empty(replace, with_users)
            rows, articles = _load_rows(checked.data_path, replace, with_users, progress)
        # Only now that the rows are in: the files they refer to.
        files, media_bytes = _write_media(path, progress)
        report = Report(rows=rows, articles=articles, files=files, media_bytes=media_bytes)
        report.users = with_users
    report.archive_bytes = Path(path).stat().st_size
    report.seconds = time.monotonic() - started
    return report


def _import_version_1(path, replace, progress):
    manifest, data, files = read_archive(path)
    with_users = archive_has_users(manifest)
    _refuse_unless_empty(replace, with_users)
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "site.json"
        fixture.write_bytes(data)
        rows, articles = _load_rows(fixture, replace, with_users, progress)
    for name, content in files.items():
        _store(name, ContentFile(content))
    return Report(
        rows=manifest["data"]["rows"],
        articles=articles,
        files=len(files),
        media_bytes=sum(len(c) for c in files.values()),
        users=with_users,
    )


DELETE_BATCH = 500


def _delete_everything(models_to_empty):
    # Children before parents is what the delete collector works out by itself; the loop
    # covers PROTECT relations by retrying until every table is empty. Rows go in batches,
    # so the collector never holds a whole large table.
    remaining = list(models_to_empty)
    for _ in range(len(remaining) + 1):
        still = []
        for model in remaining:
            try:
                with transaction.atomic():
                    _delete_in_batches(model)
            except models.ProtectedError:
                still.append(model)
        remaining = still
        if not remaining:
            return
    raise ArchiveError("could not empty the site before importing")


def _delete_in_batches(model):
    manager = model._base_manager
    while batch := list(manager.order_by("pk").values_list("pk", flat=True)[:DELETE_BATCH]):
        manager.filter(pk__in=batch).delete()
