"""Read django-reversion's saved revisions of an article and say what changed between two.

django-reversion keeps, for each save in the admin, a copy of the article with its bylines,
sections and figures (ArticleAdmin.reversion_register). Corrections are not part of a
version: they are an append-only public record, so restoring an old version never removes
or rewrites one. This module turns two copies, or a copy and the article as it stands now,
into rows an editor can read; it never writes.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .models import Article, ArticleAuthor, Author, Column, Figure, Section

# The parts of an article that its versions hold, in the order the pages list them.
PARTS = [(ArticleAuthor, "署名"), (Section, "小节"), (Figure, "图片")]


def compared_fields(model):
    """The fields an editor can change, derived from the model so a new field is never left out.

    Fields the admin doesn't edit (created_at, width and height read from the file) and a part's
    link to its article are left out; they follow from the others.
    """
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and not (field.is_relation and field.related_model is Article)
    ]


@dataclass
class Change:
    label: str
    old: str
    new: str

    @property
    def diff(self):
        return inline_diff(self.old, self.new)


@dataclass
class PartChange:
    kind: str  # "新增", "删除" or "修改"
    label: str
    changes: list = field(default_factory=list)


def snapshot(version):
    """One revision as {model: {object_id: field_dict}}, the article included."""
    data = {}
    for item in version.revision.version_set.select_related("content_type"):
        model = item.content_type.model_class()
        if model is None:
            continue
        try:
            values = item.field_dict
        except Exception:  # noqa: BLE001 - data saved by an older schema: show what we can
            continue
        data.setdefault(model, {})[item.object_id] = values
    return data


def current_snapshot(article_id):
    """The article and its versioned parts as they stand in the database, shaped as snapshot()."""

    def values(obj):
        return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}

    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return {}
    data = {Article: {str(article.pk): values(article)}}
    for model, _noun in PARTS:
        data[model] = {str(obj.pk): values(obj) for obj in model.objects.filter(article=article)}
    return data


def compare(old_version, new_version):
    """What changed from old_version to new_version: (article field changes, part changes)."""
    return compare_snapshots(snapshot(old_version), snapshot(new_version), new_version.object_id)


def restore_changes(version):
    """What restoring this version would change in the article as it stands now.

    A restore leaves the desk's state as it stands (workflow.RESTORE_KEEPS: the state, its
    time, the signing editor): those are not changes it would make, so they are not listed.
    """
    from .workflow import RESTORE_KEEPS

    now, then = current_snapshot(version.object_id), snapshot(version)
    current = now.get(Article, {}).get(str(version.object_id))
    restored = then.get(Article, {}).get(str(version.object_id))
    if current is not None and restored is not None:
        for name in RESTORE_KEEPS:
            attname = Article._meta.get_field(name).attname
            for key in (name, attname):
                if key in restored:
                    restored[key] = current.get(attname)
    return compare_snapshots(now, then, version.object_id)


def compare_snapshots(old, new, article_id):
    names = _Names(old, new)
    article_id = str(article_id)
    old_article = old.get(Article, {}).get(article_id, {})
    new_article = new.get(Article, {}).get(article_id, {})
    article_changes = _field_changes(
        Article, compared_fields(Article), old_article, new_article, names
    )
    part_changes = []
    for model, noun in PARTS:
        fields = compared_fields(model)
        before, after = old.get(model, {}), new.get(model, {})
        for object_id in sorted(
            set(before) | set(after), key=lambda pk: _sort_key(pk, before, after)
        ):
            if object_id not in before:
                kind, values = "新增", after[object_id]
                changes = _field_changes(model, fields, {}, values, names)
            elif object_id not in after:
                kind, values = "删除", before[object_id]
                changes = _field_changes(model, fields, values, {}, names)
            else:
                kind, values = "修改", after[object_id]
                changes = _field_changes(model, fields, before[object_id], values, names)
                if not changes:
                    continue
            part_changes.append(PartChange(kind, f"{noun}：{names.part(model, values)}", changes))
    return article_changes, part_changes


def missing_image_files(version):
    """Captions (or file names) of figures in this revision whose image file is gone."""
    storage = Figure._meta.get_field("image").storage
    missing = []
    for values in snapshot(version).get(Figure, {}).values():
        name = str(values.get("image") or "")
        if name and not storage.exists(name):
            missing.append(values.get("caption") or name)
    return missing


def inline_diff(old, new):
    """Character-level diff as HTML: Chinese has no spaces, so words are the wrong unit.

    Short values (numbers, times, names) read better whole: old → new.
    """
    if old == new:
        return escape(new)
    if max(len(old), len(new)) <= 20 and "\n" not in old + new:
        if not old:
            return format_html("<ins>{}</ins>", new)
        if not new:
            return format_html("<del>{}</del>", old)
        return format_html("<del>{}</del> → <ins>{}</ins>", old, new)
    parts = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(old[a1:a2]))
            continue
        if a2 > a1:
            parts.append(format_html("<del>{}</del>", old[a1:a2]))
        if b2 > b1:
            parts.append(format_html("<ins>{}</ins>", new[b1:b2]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def _field_changes(model, fields, before, after, names):
    changes = []
    for name in fields:
        model_field = model._meta.get_field(name)
        old = names.text(model, name, before.get(model_field.attname)) if before else ""
        new = names.text(model, name, after.get(model_field.attname)) if after else ""
        if old != new:
            changes.append(Change(str(model_field.verbose_name), old, new))
    return changes


def _sort_key(pk, before, after):
    values = after.get(pk) or before.get(pk) or {}
    return (values.get("position") or 0, str(pk))


class _Names:
    """Values as an editor reads them: names for ids, local times, labels for choices."""

    def __init__(self, old, new):
        self.sections = {}
        for snap in (old, new):
            for object_id, values in snap.get(Section, {}).items():
                self.sections[str(object_id)] = (
                    values.get("heading") or f"第 {values.get('position')} 节"
                )
        self.columns = dict(Column.objects.values_list("pk", "name"))
        self.authors = dict(Author.objects.values_list("pk", "name"))

    def text(self, model, name, value):
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if model is Article and name == "status":
            return str(dict(Article.Status.choices).get(value, value))
        if name == "column":
            return self.columns.get(value, f"（已删除的栏目 {value}）")
        if name == "author":
            return self.authors.get(value, f"（已删除的作者 {value}）")
        if name == "section":
            return self.sections.get(str(value), f"小节 {value}")
        if hasattr(value, "tzinfo") and hasattr(value, "hour"):
            return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
        return str(value)

    def part(self, model, values):
        if model is Section:
            return values.get("heading") or f"第 {values.get('position')} 节（无小标题）"
        if model is Figure:
            return (values.get("caption") or "")[:30] or f"第 {values.get('position')} 张"
        return self.authors.get(values.get("author_id"), "")
