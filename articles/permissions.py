"""Who may do what with an article: the one place the admin and the readers' views ask.

Roles are Django groups (migration 0003, README "Editorial workflow"): 编辑 (editors) hold
articles.publish_article, 记者 (reporters) do not. Everything here is a question about a user
(and an article); callers turn a "no" into their own answer (a refused save, a 403, a 404).
"""

from .models import Article


def can_publish(user):
    """Publish, schedule or take down articles (the admin's status and time, its actions)."""
    return user.has_perm("articles.publish_article")


def can_edit_article(user, article):
    """Editors edit everything; a reporter only the drafts they created, and those sent back
    to them. A story handed in (待审) is the desk's until the reporter takes it back.

    `article` None asks about articles in general (the admin's list, a new article). Whoever
    may edit an article may also make share-preview links to it (admin/history.py).
    """
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or can_publish(user):
        return True
    editable = (Article.Status.DRAFT, Article.Status.RETURNED)
    return article.status in editable and article.created_by_id == user.pk


def can_see_drafts(user):
    """Read drafts and scheduled articles at their public URL, as readers will see them.

    Anyone who may change articles, a reporter included: a draft shown this way is never
    stored by the page cache or a browser (views.article_detail). Without an account, a
    share-preview link (articles/preview.py) is the only way to see one.
    """
    return user.has_perm("articles.change_article")


def can_read_print_sources(user):
    """Read the imported print pages (PrintSource) in the admin: staff who see articles."""
    return (
        user.is_active
        and user.is_staff
        and (user.has_perm("articles.view_article") or user.has_perm("articles.change_article"))
    )


def can_create_column(user):
    """Add a column: an import names one the site doesn't have yet (admin/print_import.py)."""
    return user.has_perm("articles.add_column")
