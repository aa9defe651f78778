"""The Django internals this project still relies on: each in this one module, checked at import.

Everything else uses Django's public APIs. These have no public equivalent:

- ModelForm._get_validation_exclusions(): the fields a model form leaves out of the model's
  own checks. The admin's ordered inlines (sections, figures, bylines) check positions for all
  rows together (admin/inlines.py: PositionedFormSet), because a row checked alone against the database
  sees the old position of a row it is trading places with. Django offers no public hook to
  leave one field out of validate_constraints() and the formset's unique checks.
- forms.Media._js and _css: the lists a Media was built from. django-admin-sortable2 swaps
  Django's actions.js for a copy named after the Django version and ships none for 6.1; the
  article and front-page admins put Django's own file back (admin/inlines.py:
  SortableMediaFix). Media has no public way to read or replace one script (adminsortable2
  itself reads the same two attributes).

At import, the running Django is compared with the versions these were checked against
(CHECKED): any other stops the site, with this module named, until someone has checked them
again. tests/test_django_internals.py fails when the code behind them changes.
"""

import django
from django.core.exceptions import ImproperlyConfigured

# (major, minor) versions of Django whose code behind these internals was read.
CHECKED = {(6, 1)}

if django.VERSION[:2] not in CHECKED:
    raise ImproperlyConfigured(
        f"articles/internals.py was checked against Django {sorted(CHECKED)}, not "
        f"{django.get_version()}: check the internals it names (and "
        "tests/test_django_internals.py), then add this version to CHECKED."
    )


class ChecksFieldsTogether:
    """A ModelForm mixin: the fields named in `checked_together` are left out of the model's
    own checks on this row (validate_constraints, the formset's unique checks); the formset
    checks them for all its rows at once."""

    checked_together = ()

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | set(self.checked_together)


def media_lists(media):
    """The stylesheets (a dict by medium) and scripts (a list) of a forms.Media, as copies."""
    return dict(media._css), list(media._js)
