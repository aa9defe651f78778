"""Receivers: page files follow their rows, and any change to the edition re-keys cached pages.

A page's original, its rendered picture and its renditions are deleted once the transaction
that deletes their rows commits (never before: a rolled-back delete must not lose files).

Cached pages show this app's rows (the edition's pages, and the 见报 line on article pages): a
change here starts a new page-cache generation once it commits, exactly as an article's does
(articles.pagecache.page_data_changed). If the page cache's API moves, this is the one place to
follow it.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.pagecache import page_data_changed

from .models import Edition, Page, PageRendition, Publication, Region
from .pagefiles import delete_on_commit


@receiver(post_delete, sender=Page, dispatch_uid="epaper_delete_page_files")
def delete_page_files(sender, instance, **kwargs):
    for field_file in (instance.file, instance.image):
        if not field_file:
            continue
        name = field_file.name
        # A multi-page PDF is one file for several pages; a picture upload is its own image.
        still_used = (
            Page.objects.filter(file=name).exists() or Page.objects.filter(image=name).exists()
        )
        if not still_used and not (field_file is instance.image and name == instance.file.name):
            delete_on_commit(field_file)


@receiver(post_delete, sender=PageRendition, dispatch_uid="epaper_delete_rendition_file")
def delete_rendition_file(sender, instance, **kwargs):
    delete_on_commit(instance.file)


for _model in (Publication, Edition, Page, Region):
    _uid = f"epaper-site-change-{_model._meta.model_name}"
    post_save.connect(page_data_changed, sender=_model, dispatch_uid=_uid + "-save")
    post_delete.connect(page_data_changed, sender=_model, dispatch_uid=_uid + "-delete")
