"""Revisions, compare, restore, stale saves and drag-and-drop ordering, through the admin."""

from datetime import timedelta

import pytest
import reversion
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Column, Correction, Figure, Section

from .admin_forms import add_inline_rows, form_data, form_errors
from .factories import (
    jpeg_upload,
    make_article,
    make_correction,
    make_editor,
    make_figure,
    make_reporter,
)

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def save(client, article, files=None, **changes):
    url = change_url(article)
    data = form_data(client, url)
    data.update(changes)
    data.update(files or {})
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    return response


def versions(article):
    return list(Version.objects.get_for_object(article).order_by("pk"))


@pytest.fixture
def editor(client):
    user = make_editor()
    user.first_name = "王编辑"
    user.save()
    client.force_login(user)
    return user


def test_every_admin_save_keeps_a_revision_with_sections_and_figures(client, editor):
    article = make_article("初版标题", sections=[("", "导语。"), ("小标题", "正文。")])
    make_figure(article, caption="图一")
    save(client, article, title="二版标题")
    (version,) = versions(article)
    models = {v.content_type.model for v in version.revision.version_set.all()}
    assert {"article", "section", "figure"} <= models
    assert version.revision.user == editor
    history = text(client.get(history_url(article)))
    assert "王编辑" in history and "主题" in history


def test_editor_compares_two_revisions_and_sees_what_changed(client, editor):
    before = "城市的早晨很安静，江边只有跑步的人和早起的渔船。"
    after = "城市的早晨很热闹，江边只有跑步的人和早起的渔船。"
    article = make_article("旧标题", sections=[("", before)])
    save(client, article)
    save(client, article, title="新标题", **{"sections-0-body": after})
    old, new = versions(article)
    compare_url = reverse("admin:articles_article_compare", args=[article.pk])
    response = client.get(compare_url, {"version": [new.pk, old.pk]})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    # A short value is shown whole, old -> new; a long text character by character.
    title_row = next(r for r in page.select("tr") if r.th and r.th.get_text() == "主题")
    assert title_row.td.get_text() == "旧标题 → 新标题"
    body_row = next(r for r in page.select("tr") if r.th and r.th.get_text() == "正文")
    assert [d.get_text() for d in body_row.select("del")] == ["安静"]
    assert [i.get_text() for i in body_row.select("ins")] == ["热闹"]


def test_saving_untouched_text_from_a_browser_records_no_change(client, editor):
    article = make_article("两段", sections=[("", "第一段。\n\n第二段。")])
    url = change_url(article)
    data = form_data(client, url)
    # Browsers send textarea line ends as CRLF.
    data["sections-0-body"] = data["sections-0-body"].replace("\n", "\r\n")
    assert client.post(url, data).status_code == 302
    assert article.sections.get().body == "第一段。\n\n第二段。"
    assert "正文" not in versions(article)[0].revision.get_comment()


def test_the_history_page_offers_two_revisions_to_compare(client, editor):
    article = make_article("标题")
    save(client, article)
    save(client, article, title="再改")
    page = BeautifulSoup(client.get(history_url(article)).content, "html.parser")
    boxes = page.select("input[name=version]")
    assert sorted(int(b["value"]) for b in boxes) == [v.pk for v in versions(article)]


def test_comparing_fewer_than_two_revisions_explains_what_to_do(client, editor):
    article = make_article("标题")
    save(client, article)
    compare_url = reverse("admin:articles_article_compare", args=[article.pk])
    response = client.get(compare_url, {"version": [versions(article)[0].pk]}, follow=True)
    assert "请在历史记录里勾选两个不同的版本" in text(response)


def test_editor_restores_an_earlier_revision_with_its_sections(client, editor):
    article = make_article("第一版", sections=[("", "导语。"), ("被删的节", "后来删掉了。")])
    make_figure(article, caption="节里的图", section=article.sections.get(heading="被删的节"))
    save(client, article)
    save(client, article, title="第二版", **{"sections-1-DELETE": "on"})
    assert article.sections.count() == 1
    assert Figure.objects.get(article=article).section is None
    first = versions(article)[0]
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    response = client.get(url)
    assert response.status_code == 200 and "被删的节" in response.content.decode()
    response = client.post(url, form_data(client, url))
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.title == "第一版"
    assert [s.heading for s in article.sections.all()] == ["", "被删的节"]
    # The figure is back in its section: the restore form offered the article's sections.
    assert Figure.objects.get(article=article).section.heading == "被删的节"
    assert "恢复" in text(client.get(history_url(article)))


def test_restoring_a_revision_whose_image_file_is_gone_asks_for_a_new_upload(client, editor):
    article = make_article("有图的稿", published=False)
    figure = make_figure(article, caption="江边")
    old_name = figure.image.name
    save(client, article)
    save(client, article, files={"figures-0-image": jpeg_upload("new.jpg")})
    default_storage.delete(old_name)
    first = versions(article)[0]
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "原图文件已不存在" in text(page) and "江边" in text(page)

    data = form_data(client, url)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "原图文件已不存在" in form_errors(response)
    figure.refresh_from_db()
    assert figure.image.name != old_name  # nothing was restored half-way

    data["figures-0-image"] = jpeg_upload("again.jpg")
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    figure = Figure.objects.get(article=article)
    assert default_storage.exists(figure.image.name)


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, editor):
    article = make_article("原标题")
    url = change_url(article)
    mine = form_data(client, url)  # I open the form...
    colleague = make_editor("colleague")
    client.force_login(colleague)
    save(client, article, title="同事的标题")  # ...a colleague saves first...
    client.force_login(editor)
    mine["title"] = "我的标题"
    mine["sections-0-body"] = "我改的导语。"
    response = client.post(url, mine)  # ...and my save is stale.
    assert response.status_code == 200
    assert "没有保存" in form_errors(response) and "colleague" in form_errors(response)
    html = response.content.decode()
    assert "我的标题" in html and "我改的导语。" in html
    assert 'name="overwrite"' in html
    article.refresh_from_db()
    assert article.title == "同事的标题"

    mine["overwrite"] = "on"
    assert client.post(url, mine).status_code == 302
    article.refresh_from_db()
    assert article.title == "我的标题"


def test_two_saves_in_a_row_by_the_same_person_are_not_stale(client, editor):
    article = make_article("标题")
    save(client, article, title="一改")
    save(client, article, title="二改")
    article.refresh_from_db()
    assert article.title == "二改"


def test_a_reporter_cannot_restore_a_revision_of_a_published_article(client, editor):
    reporter = make_reporter()
    article = make_article("已发布", created_by=reporter)
    save(client, article, title="编辑改过")
    client.force_login(reporter)
    url = reverse("admin:articles_article_revision", args=[article.pk, versions(article)[0].pk])
    assert client.get(url).status_code == 403  # not even opened: it is not theirs to change
    assert client.post(url, {"title": "记者想恢复"}).status_code == 403
    article.refresh_from_db()
    assert article.title == "编辑改过"


def test_sections_and_figures_are_drag_and_drop_sortable(client, editor):
    article = make_article(sections=[("", "导语。"), ("甲", "甲。")])
    make_figure(article)
    page = BeautifulSoup(client.get(change_url(article)).content, "html.parser")
    for prefix in ("sections", "figures", "bylines"):
        assert page.select_one(f"#{prefix}-group fieldset.sortable"), prefix
    position = page.find("input", {"name": "sections-0-position"})
    assert position["type"] == "hidden" and "_reorder_" in position["class"]
    scripts = [s["src"] for s in page.select("script[src]")]
    assert any("adminsortable2/js/adminsortable2" in src for src in scripts)


def test_dragging_renumbers_rows_and_the_new_order_is_saved(client, editor):
    article = make_article(sections=[("", "导语。"), ("甲", "甲。"), ("乙", "乙。")])
    # What the drag-and-drop script posts after moving 乙 above 甲: every row renumbered 1..n.
    save(client, article, **{"sections-1-position": "3", "sections-2-position": "2"})
    assert [(s.position, s.heading) for s in article.sections.all()] == [
        (1, ""),
        (2, "乙"),
        (3, "甲"),
    ]


def test_a_section_added_in_the_form_goes_to_the_end(client, editor):
    article = make_article(sections=[("", "导语。"), ("甲", "甲。")])
    url = change_url(article)
    data = form_data(client, url)
    add_inline_rows(data, "sections", [{"heading": "新节", "body": "新。", "position": ""}])
    add_inline_rows(data, "sections", [{"heading": "又一节", "body": "又。", "position": ""}])
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert [(s.position, s.heading) for s in Section.objects.filter(article=article)] == [
        (1, ""),
        (2, "甲"),
        (3, "新节"),
        (4, "又一节"),
    ]


def test_the_article_list_uses_djangos_own_actions_script(client, editor):
    make_article()
    page = BeautifulSoup(
        client.get(reverse("admin:articles_article_changelist")).content, "html.parser"
    )
    scripts = [s["src"] for s in page.select("script[src]")]
    assert any(src.endswith("admin/js/actions.js") for src in scripts)
    assert not any("adminsortable2/js/actions-" in src for src in scripts)
    assert Article.objects.count() == 1


def test_editor_brings_back_a_deleted_article_with_its_sections(client, editor):
    article = make_article("删错了", sections=[("", "导语。"), ("第二节", "正文。")])
    save(client, article)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()

    recover_list = BeautifulSoup(
        client.get(reverse("admin:articles_article_recoverlist")).content, "html.parser"
    )
    link = recover_list.select_one("a[href*='/recover/']")
    response = client.post(link["href"], form_data(client, link["href"]))
    assert response.status_code == 302, form_errors(response)
    restored = Article.objects.get(pk=article.pk)
    assert [s.heading for s in restored.sections.all()] == ["", "第二节"]


def test_restoring_over_a_save_made_meanwhile_is_refused(client, editor):
    article = make_article("第一版")
    save(client, article)
    save(client, article, title="第二版")
    url = reverse("admin:articles_article_revision", args=[article.pk, versions(article)[0].pk])
    data = form_data(client, url)  # I open the old revision...
    client.force_login(make_editor("colleague"))
    save(client, article, title="同事的第三版")  # ...a colleague saves...
    client.force_login(editor)
    response = client.post(url, data)  # ...and restoring would silently drop their work.
    assert response.status_code == 200
    assert "没有保存" in form_errors(response)
    article.refresh_from_db()
    assert article.title == "同事的第三版"


# Corrections: an append-only public record.


def test_a_saved_correction_cannot_be_deleted_or_reworded_through_the_form(client, editor):
    article = make_article()
    make_correction(article, note="更正：日期有误。")
    data = form_data(client, change_url(article))
    # What a hand-made POST could try: tick a delete box, send a new wording.
    data["corrections-0-DELETE"] = "on"
    data["corrections-0-note"] = "（删掉了）"
    response = client.post(change_url(article), data)
    assert response.status_code == 302, form_errors(response)
    assert [c.note for c in article.corrections.all()] == ["更正：日期有误。"]


def test_a_correction_is_only_deleted_with_its_whole_article():
    article = make_article()
    correction = make_correction(article)
    with pytest.raises(ProtectedError, match="更正是公开记录"), transaction.atomic():
        correction.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Correction.objects.filter(article=article).delete()
    assert Correction.objects.filter(article=article).count() == 1
    article.delete()
    assert not Correction.objects.exists()


def test_restoring_an_old_version_keeps_the_corrections_published_since(client, editor):
    article = make_article(sections=[("", "产值120亿元。")])
    save(client, article)
    save(client, article, **{"sections-0-body": "产值102亿元。"})
    make_correction(article, note="更正：产值应为102亿元。")
    old = versions(article)[0]
    page = text(client.get(reverse("admin:articles_article_revision", args=[article.pk, old.pk])))
    assert "恢复这个版本会改变什么" in page and "现有的 1 条更正会原样保留" in page
    assert list(Correction.objects.values_list("note", flat=True)) == ["更正：产值应为102亿元。"]

    url = reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    response = client.post(url, form_data(client, url))
    assert response.status_code == 302, form_errors(response)
    assert article.sections.get().body == "产值120亿元。"
    assert list(Correction.objects.values_list("note", flat=True)) == ["更正：产值应为102亿元。"]
    response = client.get(article.get_absolute_url())
    assert "更正：产值应为102亿元。" in text(response)


def test_a_version_from_before_a_reorder_opens_and_restores_the_old_order(client, editor):
    article = make_article(sections=[("甲节", "甲。"), ("乙节", "乙。")])
    for caption in ("图一", "图二", "图三"):
        make_figure(article, caption=caption, section=article.sections.first())
    save(client, article)
    # The third figure to the top, the sections swapped: positions every row held before.
    save(
        client,
        article,
        **{"figures-0-position": "2", "figures-1-position": "3", "figures-2-position": "1"},
        **{"sections-0-position": "2", "sections-1-position": "1"},
    )
    assert [f.caption for f in article.figures.order_by("position")] == ["图三", "图一", "图二"]
    url = reverse("admin:articles_article_revision", args=[article.pk, versions(article)[0].pk])
    response = client.get(url)
    assert response.status_code == 200, text(response)
    assert "恢复这个版本会改变什么" in text(response)
    # Looking changed nothing.
    assert [f.caption for f in article.figures.order_by("position")] == ["图三", "图一", "图二"]
    response = client.post(url, form_data(client, url))
    assert response.status_code == 302, form_errors(response)
    assert [f.caption for f in article.figures.order_by("position")] == ["图一", "图二", "图三"]
    assert [s.heading for s in article.sections.order_by("position")] == ["甲节", "乙节"]


def test_a_reporter_cannot_take_a_published_article_offline_by_restoring_a_draft_version(
    client,
):
    reporter = make_reporter()
    article = make_article("记者的稿", published=False, created_by=reporter)
    client.force_login(reporter)
    save(client, article)  # a draft version
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    draft_version = versions(article)[0]
    url = reverse("admin:articles_article_revision", args=[article.pk, draft_version.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_restoring_a_draft_version_brings_back_the_words_not_the_state(client, editor):
    """A restore is not a takedown (撤下 needs a reason and is recorded): the public article
    stays public with the restored text, and a withdrawn one stays withdrawn."""
    article = make_article("先草稿后发布", published=False, sections=[("", "草稿时的导语。")])
    save(client, article)  # the draft version
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(minutes=5),
        desk_editor="李娜",
    )
    Section.objects.filter(article=article).update(body="发布后改写的导语。")
    url = reverse("admin:articles_article_revision", args=[article.pk, versions(article)[0].pk])
    preview = text(client.get(url))
    assert "发布后改写的导语" in preview  # the words it would change are listed...
    # ...not the state it keeps, which the form shows as it stands.
    assert "状态: 已上线" in preview
    assert form_data(client, url)["desk_editor"] == "李娜"
    response = client.post(url, form_data(client, url), follow=True)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.is_public
    assert article.sections.get().body == "草稿时的导语。"
    assert article.desk_editor == "李娜"
    Article.objects.filter(pk=article.pk).update(status=Article.Status.WITHDRAWN)
    url = reverse("admin:articles_article_revision", args=[article.pk, versions(article)[-1].pk])
    client.post(url, form_data(client, url))
    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHDRAWN


@pytest.mark.parametrize("how", ["delete page", "bulk action"])
def test_an_article_with_a_correction_cannot_be_deleted(client, editor, how):
    article = make_article("有更正")
    make_correction(article, note="更正：日期有误。")
    if how == "delete page":
        url = reverse("admin:articles_article_delete", args=[article.pk])
        page = text(client.get(url))
        response = client.post(url, {"post": "yes"})
    else:
        url = reverse("admin:articles_article_changelist")
        data = {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"}
        page = text(client.post(url, {k: v for k, v in data.items() if k != "post"}))
        response = client.post(url, data)
    assert "有更正的文章只能撤下，不能删除" in page
    assert response.status_code in (200, 403)
    assert Article.objects.filter(pk=article.pk).exists()
    assert Correction.objects.filter(article=article).count() == 1


def test_a_correction_dated_in_the_future_or_before_publication_is_refused(client, editor):
    article = make_article("更正时间", published_at=timezone.now() - timedelta(days=1))
    url = change_url(article)
    for when, message in (
        (timezone.now() + timedelta(days=30), "更正时间不能晚于现在"),
        (timezone.now() - timedelta(days=3), "更正时间早于文章的发布时间"),
    ):
        local = timezone.localtime(when)
        data = add_inline_rows(
            form_data(client, url),
            "corrections",
            [
                {
                    "note": "更正：一处笔误。",
                    "corrected_at_0": f"{local:%Y-%m-%d}",
                    "corrected_at_1": f"{local:%H:%M:%S}",
                }
            ],
        )
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in form_errors(response)
        page = BeautifulSoup(response.content, "html.parser")
        assert page.select_one("#id_corrections-0-note").get_text().strip() == "更正：一处笔误。"
    assert not Correction.objects.exists()


def _two_values(field):
    """Two different values an editor could give `field`, by its type: a field of a new type
    stops this test until someone says how to fill it."""
    if field.choices:
        return [value for value, _label in field.choices][:2]
    if isinstance(field, models.ForeignKey) and field.related_model is Column:
        return [Column.objects.create(name=f"栏目{n}") for n in (1, 2)]
    if isinstance(field, models.DateTimeField):
        now = timezone.now().replace(microsecond=0)
        return [now - timedelta(days=2), now - timedelta(days=1)]
    if isinstance(field, models.DateField):
        today = timezone.localdate()
        return [today - timedelta(days=2), today - timedelta(days=1)]
    if isinstance(field, models.SlugField):
        return ["old-slug", "new-slug"]
    if isinstance(field, models.CharField | models.TextField):
        return ["旧的", "新的"]
    raise AssertionError(f"say how to fill {field.name} ({type(field).__name__}) in this test")


def test_the_compare_lists_every_field_an_editor_can_change(client, editor):
    # A new Article field must show up in the compare without anyone adding it to a list.
    fields = [f for f in Article._meta.concrete_fields if f.editable and not f.primary_key]
    values = {field.name: _two_values(field) for field in fields}
    article = make_article()
    for step in (0, 1):
        for field in fields:
            setattr(article, field.name, values[field.name][step])
        with reversion.create_revision():
            article.save()
    old, new = versions(article)
    response = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version": [old.pk, new.pk]},
    )
    page = BeautifulSoup(response.content, "html.parser")
    rows = {row.th.get_text() for row in page.select("tr") if row.th}
    missing = [f.name for f in fields if str(f.verbose_name) not in rows]
    assert not missing, f"the compare leaves out {missing}"
    assert len(fields) >= 14  # the list was read from the model, not emptied by a filter


def test_versions_saved_by_an_account_deleted_since_still_compare(client, editor):
    # A revision's user is emptied when the account is deleted (or left out of a site
    # archive): the compare page said nothing but a server error.
    leaver = make_editor("leaving-editor")
    client.force_login(leaver)
    article = make_article("旧标题")
    save(client, article)
    save(client, article, title="新标题")
    leaver.delete()
    client.force_login(editor)
    old, new = versions(article)
    response = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version": [old.pk, new.pk]},
    )
    assert response.status_code == 200
    assert "（—）" in text(response) and "旧标题 → 新标题" in text(response)
