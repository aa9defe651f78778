"""Every receiver of the articles app: what happens by itself when a row is saved or deleted.

- Image files follow their figures: renditions are queued for the task worker when a figure's
  image or focal point is saved (articles/tasks.py), and files go when their rows go (the work is in images/renditions.py).
- Corrections are never deleted on their own.
- The page cache starts a new generation once a change to anything a public page shows
  commits, and withdraws an article's stored page when it stops being public. The wiring is
  here; what happens is in pagecache.py (which models are private is its decision).

Saving or deleting a figure touches image files only here.

Renditions follow a figure's image and focal point whatever saved the figure (the admin, the
seed loader, the importer, a revision being restored), so the trigger is a post_save handler
here rather than a line each caller could forget. Files go when their rows go: a replaced or
deleted original and every rendition leave no orphan in media/.
"""

from django.apps import apps
from django.db.models import ProtectedError, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import pagecache, tasks
from .images.renditions import delete_file_on_commit, sync_renditions
from .models import LOADED_RENDITIONS, Article, Correction, Figure, Rendition

# A save that only touches these fields (reordering figures, say) cannot change a rendition.
RENDITION_INPUTS = {"image", "focal_x", "focal_y"}


@receiver(post_save, sender=Figure, dispatch_uid="make_renditions_when_figure_saved")
def make_renditions_when_figure_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # Raw saves are fixtures and django-reversion's revert, which the revision page runs in a
    # transaction it rolls back: files written then would be orphans. The form save that
    # follows a real restore is not raw, and makes the renditions.
    if raw or (update_fields is not None and not RENDITION_INPUTS & set(update_fields)):
        return
    if not instance.image:
        # No photo (a caption waiting for one): nothing to render, only old renditions to drop.
        # Cheap, so done here: a removed photo must not stay on the page until a worker runs.
        sync_renditions(instance)
        return
    # The task worker makes them (articles/tasks.py): the task's row is written in this
    # transaction, so it exists exactly when the figure's save commits. Until it has run,
    # readers see a box of the photo's size with its caption.
    if instance.rendition_failed_at is not None:
        type(instance).objects.filter(pk=instance.pk).update(
            rendition_error="", rendition_failed_at=None
        )
        instance.rendition_error, instance.rendition_failed_at = "", None
    tasks.enqueue(instance.pk)
    # The renditions loaded with this instance are the old ones (the task reads its own copy):
    # forgotten, so it reads what is stored now (with the ImmediateBackend, the new ones).
    instance.__dict__.pop(LOADED_RENDITIONS, None)


@receiver(post_delete, sender=Figure, dispatch_uid="delete_original_with_figure")
def delete_original_with_figure(sender, instance, **kwargs):
    if instance.image and not Figure.objects.filter(image=instance.image.name).exists():
        delete_file_on_commit(instance.image.storage, instance.image.name)


@receiver(post_delete, sender=Rendition, dispatch_uid="delete_rendition_file")
def delete_rendition_file(sender, instance, **kwargs):
    if instance.file:
        delete_file_on_commit(instance.file.storage, instance.file.name)


@receiver(pre_delete, sender=Correction, dispatch_uid="corrections_are_append_only")
def corrections_are_append_only(sender, instance, origin=None, **kwargs):
    # A correction is a public record: a wrong one gets a further correction, never removal.
    # Whatever tries (a restored revision, a form, a script), only deleting the whole article
    # takes its corrections with it.
    deleting_article = isinstance(origin, Article) or (
        isinstance(origin, QuerySet) and origin.model is Article
    )
    if not deleting_article:
        raise ProtectedError(
            f"更正是公开记录，不能删除（“{instance}”）。如果更正本身有误，请再加一条更正。",
            {instance},
        )


# --- The page cache --------------------------------------------------------------------------

for _model in apps.get_app_config("articles").get_models():
    if _model._meta.label_lower in pagecache.PRIVATE_MODELS:
        continue
    _uid = f"page-generation-{_model._meta.label}"
    post_save.connect(pagecache.page_data_changed, sender=_model, dispatch_uid=_uid + "-save")
    post_delete.connect(pagecache.page_data_changed, sender=_model, dispatch_uid=_uid + "-delete")
m2m_changed.connect(pagecache.relation_changed, dispatch_uid="page-generation-m2m")
post_save.connect(pagecache.article_saved, sender=Article, dispatch_uid="page-withdrawn-save")
post_delete.connect(pagecache.article_deleted, sender=Article, dispatch_uid="page-withdrawn-delete")
