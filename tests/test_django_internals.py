"""The Django internals articles/internals.py relies on: still there, still doing what it
expects. A failure here means a Django release changed them: read the new code, adapt
articles/internals.py, and record the new digests."""

import hashlib
import inspect

import django
import pytest
from django import forms
from django.forms.models import BaseModelForm, BaseModelFormSet, inlineformset_factory
from django.forms.widgets import Media

from articles import internals
from articles.models import Article, Section

from .factories import make_article

# sha256 (first 16 hex digits) of the source of each piece of Django the module leans on, as
# read for Django 6.1.
READ = {
    "BaseModelForm._get_validation_exclusions": "6083c1488428716a",
    "BaseModelForm._post_clean": "a07bb36e88d4f179",
    "BaseModelForm.validate_unique": "a9d44aab94aa4a5b",
    "BaseModelForm.validate_constraints": "e4fa6afa31652283",
    "BaseModelFormSet.validate_unique": "90971460be3be8a7",
    "Media._js": "fe134f882aab0c64",
    "Media._css": "f49525f8c17f9693",
}
CODE = {
    "BaseModelForm._get_validation_exclusions": BaseModelForm._get_validation_exclusions,
    "BaseModelForm._post_clean": BaseModelForm._post_clean,
    "BaseModelForm.validate_unique": BaseModelForm.validate_unique,
    "BaseModelForm.validate_constraints": BaseModelForm.validate_constraints,
    "BaseModelFormSet.validate_unique": BaseModelFormSet.validate_unique,
    "Media._js": Media._js.fget,
    "Media._css": Media._css.fget,
}


def test_the_running_django_is_one_the_internals_were_checked_against():
    assert django.VERSION[:2] in internals.CHECKED


@pytest.mark.parametrize("name", sorted(READ))
def test_the_code_behind_each_internal_is_the_code_that_was_read(name):
    digest = hashlib.sha256(inspect.getsource(CODE[name]).encode()).hexdigest()[:16]
    assert digest == READ[name], f"{name} changed in Django {django.get_version()}"


class SectionForm(internals.ChecksFieldsTogether, forms.ModelForm):
    checked_together = ("position",)

    class Meta:
        model = Section
        fields = ["position", "heading", "body"]


@pytest.mark.django_db
def test_fields_checked_together_are_left_out_of_each_rows_own_checks():
    article = make_article(sections=[("一", "甲。"), ("二", "乙。")])
    first, second = article.sections.order_by("position")
    FormSet = inlineformset_factory(Article, Section, form=SectionForm, extra=0)
    # The two rows trade places: each alone would clash with the other's old position.
    data = {
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "2",
        "sections-0-id": first.pk,
        "sections-0-position": second.position,
        "sections-0-heading": "一",
        "sections-0-body": "甲。",
        "sections-1-id": second.pk,
        "sections-1-position": first.position,
        "sections-1-heading": "二",
        "sections-1-body": "乙。",
    }
    assert FormSet(data, instance=article, prefix="sections").is_valid()
    # Without the mixin, Django's own check of each row refuses the swap.
    plain = inlineformset_factory(Article, Section, fields=["position", "heading", "body"])
    assert not plain(data, instance=article, prefix="sections").is_valid()


def test_media_lists_are_the_lists_a_media_was_made_from():
    media = Media(css={"all": ["a.css"]}, js=["a.js", "b.js"])
    assert internals.media_lists(media) == ({"all": ["a.css"]}, ["a.js", "b.js"])
