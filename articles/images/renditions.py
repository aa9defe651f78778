"""A figure's renditions in storage and in the database (Rendition rows), kept in step with its
image and focal point."""

import contextlib
import hashlib
import json
import tempfile
import threading

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from ..models import LOADED_RENDITIONS, Figure, Rendition
from .render import oriented_size, render_renditions, rendition_specs


def sync_renditions(figure, *, force=False):
    """Make the renditions the figure's image and focal point call for; delete the others.

    Renditions already made from the same original with the same spec are kept unless `force`.
    The files of renditions (and of a replaced original) are deleted once the transaction
    commits, so a rolled-back save never loses a file that the database still points to.
    Returns the number of renditions made.
    """
    existing = list(figure.renditions.all())
    current = figure.image.name if figure.image else ""
    made = []
    if current:
        with figure.image.open("rb") as original:
            with Image.open(original) as probe:
                upright = oriented_size(probe)
            wanted = rendition_specs(*upright, figure.focal_x, figure.focal_y)
            kinds = {spec.name: spec.kind for spec in wanted}
            keep = set()
            if not force:
                keep = {r.spec for r in existing if r.source == current and r.spec in kinds}
                for rendition in existing:
                    if rendition.spec in keep and rendition.kind != kinds[rendition.spec]:
                        # A row that lost its kind (one loaded from an archive written before
                        # there was one): its file is right, only the label is put back.
                        rendition.kind = kinds[rendition.spec]
                        rendition.save(update_fields=["kind"])
            missing = [spec for spec in wanted if spec.name not in keep]
            if missing:
                original.seek(0)
                made = render_renditions(original, figure.focal_x, figure.focal_y, missing)
    else:
        keep = set()
    stale = [r for r in existing if r.spec not in keep]
    replaced_originals = {r.source for r in stale if r.source and r.source != current}
    for rendition in stale:
        rendition.delete()  # the post_delete handler removes its file after commit
    for rendered in made:
        rendition = Rendition(
            figure=figure,
            spec=rendered.spec.name,
            kind=rendered.spec.kind,
            source=current,
            width=rendered.width,
            height=rendered.height,
            size=len(rendered.data),
        )
        # The content's hash in the name: a URL never points at different bytes over time, so
        # browsers and the CDN may cache renditions for good. Nothing of the original's name:
        # it is random so that it cannot be guessed, and a public URL must not give it away.
        digest = hashlib.sha256(rendered.data).hexdigest()[:10]
        rendition.file.save(
            f"{figure.pk}/{rendered.spec.name}-{digest}.{rendered.spec.extension}",
            ContentFile(rendered.data),
            save=False,
        )
        rendition.save()
    for name in replaced_originals:
        if not Figure.objects.filter(image=name).exists():
            delete_file_on_commit(figure.image.storage, name)
    # The renditions loaded with the figure (Prefetch to_attr, Figure.loaded_renditions())
    # are the old ones: forgotten, so the figure reads the new ones.
    figure.__dict__.pop(LOADED_RENDITIONS, None)
    return len(made)


_spool = threading.local()


def delete_file_on_commit(storage, name):
    if not name:
        return
    spool = getattr(_spool, "file", None)
    if spool is None:
        transaction.on_commit(lambda: storage.delete(name))
        return
    _spool.storages.setdefault(id(storage), storage)
    spool.write(json.dumps([id(storage), name]) + "\n")


@contextlib.contextmanager
def files_deleted_after_commit():
    """Inside, the files to delete once the transaction commits are written to a temporary
    file, not held as one on_commit callback each; one callback deletes them all, reading the
    file back. For deleting a whole site (import_site --replace): 100,000 articles have
    millions of rendition files, whose callbacks alone would take gigabytes until the commit.
    If the block raises, nothing is deleted."""
    if getattr(_spool, "file", None) is not None:
        yield
        return
    spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed below
    storages = {}
    _spool.file, _spool.storages = spool, storages
    try:
        yield
    except BaseException:
        spool.close()
        raise
    finally:
        _spool.file = _spool.storages = None

    def delete_all():
        with spool:
            spool.seek(0)
            for line in spool:
                key, name = json.loads(line)
                storages[key].delete(name)

    transaction.on_commit(delete_all)
