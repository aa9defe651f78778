"""The article's history (django-reversion): the list of versions, comparing two, restoring one;
and the share-preview links page. A mixin for ArticleAdmin, whose permissions it uses.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from reversion.models import Version

from .. import preview, workflow
from ..models import Article, Figure, Section, Transition
from ..revisions import compare, missing_image_files, restore_changes
from .forms import edit_token, lock_article
from .inlines import move_positions_aside


class ArticleHistoryMixin:
    """History, compare, restore and preview-link views of ArticleAdmin."""

    compare_template = "admin/articles/article/compare.html"

    def get_urls(self):
        compare_url = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="articles_article_compare",
        )
        preview_link_url = path(
            "<path:object_id>/preview-link/",
            self.admin_site.admin_view(self.preview_link_view),
            name="articles_article_preview_link",
        )
        return [compare_url, preview_link_url, *super().get_urls()]

    def preview_link_view(self, request, object_id):
        """Share-preview links of one article: make one, see the live ones, revoke any."""
        article = get_object_or_404(Article, pk=object_id)
        # Whoever may change the article may show it; a reporter only their own drafts.
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        new_link = None
        if request.method == "POST":
            if "revoke" in request.POST:
                revoked = preview.revoke_links(
                    article, article.preview_links.filter(pk=request.POST.get("revoke") or 0)
                )
                self.message_user(
                    request,
                    "已撤销这个预览链接，打开它只会看到“链接已撤销”。"
                    if revoked
                    else "这个链接已经失效，不用再撤销。",
                    messages.SUCCESS if revoked else messages.WARNING,
                )
                return redirect(request.path)
            if "revoke_all" in request.POST:
                revoked = preview.revoke_links(article)
                self.message_user(request, f"已撤销 {revoked} 个预览链接。", messages.SUCCESS)
                return redirect(request.path)
            link, path = preview.create_link(article, request.user)
            new_link = {"url": request.build_absolute_uri(path), "expires_at": link.expires_at}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"分享预览链接：{article.title}",
            "new_link": new_link,
            "live_links": preview.live_links(article),
            "hours": int(preview.max_age().total_seconds() // 3600),
            "is_public": article.is_public,
        }
        response = TemplateResponse(request, "admin/articles/article/preview_link.html", context)
        add_never_cache_headers(response)
        return response

    def history_view(self, request, object_id, extra_context=None):
        # Newest first, and with each version's id so two can be ticked for comparing.
        versions = (
            Version.objects.get_for_object_reference(Article, object_id)
            .select_related("revision__user")
            .order_by("-pk")
        )
        action_list = [
            {
                "revision": version.revision,
                "version_id": version.pk,
                "url": reverse("admin:articles_article_revision", args=[object_id, version.pk]),
            }
            for version in versions
        ]
        moves = Transition.objects.filter(article_id=Article._meta.pk.to_python(object_id))
        extra_context = {
            "action_list": action_list,
            "moves": moves.select_related("user").order_by("-at", "-id"),
            "compare_url": reverse("admin:articles_article_compare", args=[object_id]),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        chosen = [v for v in versions if str(v.pk) in request.GET.getlist("version")]
        history_url = reverse("admin:articles_article_history", args=[article.pk])
        if len(chosen) != 2:
            messages.warning(request, "请在历史记录里勾选两个不同的版本再比较。")
            return redirect(history_url)
        old, new = sorted(chosen, key=lambda v: v.pk)
        article_changes, part_changes = compare(old, new)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"比较两个版本：{article.title}",
            "old": old,
            "new": new,
            "article_changes": article_changes,
            "part_changes": part_changes,
            "history_url": history_url,
            "restore_old_url": reverse(
                "admin:articles_article_revision", args=[article.pk, old.pk]
            ),
        }
        return TemplateResponse(request, self.compare_template, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # django-reversion reverts the article in the database before its form runs, and keeps
        # the change only if the form saves. Everything here happens in one transaction, so
        # that what is done to make the revert possible is undone with it.
        with transaction.atomic():
            if request.method == "POST":
                # The token is read under the row lock, as for an ordinary save (get_object).
                lock_article(object_id)
            article = get_object_or_404(Article, pk=object_id)
            # Judged on the article as it stands, not as the version would make it: a reporter
            # may not take a published article back to a draft by restoring one.
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            was_public = article.is_public
            state = {name: getattr(article, name) for name in workflow.RESTORE_KEEPS}
            # Put back as soon as django-reversion has reverted the row (changeform_view), so
            # the form shows the state and time the restore keeps, and saves them.
            request._restore_keeps = state
            response = self._revision_view(request, article, version_id, extra_context)
            saved = edit_token(Article.objects.filter(pk=article.pk).first()) != edit_token(article)
            saved = saved and request.method == "POST"
            if not saved:
                transaction.set_rollback(True)  # a look, or a refused save: nothing stays
            else:
                # A restore brings back words and pictures, not a state: a withdrawn article
                # stays withdrawn, a draft is not signed off by restoring a published version.
                Article.objects.filter(pk=article.pk).update(**state)
            if saved and was_public and not Article.objects.get(pk=article.pk).is_public:
                # Taken down by the restore: links shared before stop working, as on any
                # other takedown (save_model sees the article already reverted).
                revoked = preview.revoke_links(article)
                if revoked:
                    self.message_user(
                        request, f"文章已撤下，它的 {revoked} 个分享预览链接已同时撤销。"
                    )
            return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        keeps = getattr(request, "_restore_keeps", None)
        if keeps is not None and object_id is not None:
            Article.objects.filter(pk=Article._meta.pk.to_python(object_id)).update(**keeps)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _revision_view(self, request, article, version_id, extra_context):
        object_id = str(article.pk)
        version = get_object_or_404(Version, pk=version_id, object_id=object_id)
        request._article_token_before_revert = edit_token(article)
        missing = missing_image_files(version)
        if missing and request.method == "GET":
            messages.warning(
                request,
                f"这个版本里有 {len(missing)} 张图片的原图文件已不存在（{'、'.join(missing)}）。"
                "恢复时请为这些图片重新上传文件，或删除那几行。",
            )
        article_changes, part_changes = restore_changes(version)
        extra_context = {
            "restore_article_changes": article_changes,
            "restore_part_changes": part_changes,
            "kept_corrections": article.corrections.count(),
            "restore_version": version,
            **(extra_context or {}),
        }
        # The version puts sections and figures back at their old positions, which rows of the
        # article may hold now (after a reorder): unique at every moment, so those rows move
        # out of the way first, as an inline's save does. Undone if nothing is saved.
        for model in (Section, Figure):
            move_positions_aside(model.objects.filter(article=article))
        try:
            return super().revision_view(request, object_id, version_id, extra_context)
        except (IntegrityError, OSError) as error:
            # The revision points at something that no longer exists (an author, a file).
            messages.error(request, f"无法恢复这个版本：它引用的内容已不存在（{error}）。")
            return redirect("admin:articles_article_history", article.pk)
