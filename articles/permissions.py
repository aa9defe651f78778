"""Who may do what with an article, for the admin and the readers' views alike."""

from .models import Article


def can_publish(user):
    return user.has_perm("articles.publish_article")


def can_edit_article(user, article):
    """Editors edit everything; a reporter only the drafts they created."""
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or can_publish(user):
        return True
    return article.status == Article.Status.DRAFT and article.created_by_id == user.pk
