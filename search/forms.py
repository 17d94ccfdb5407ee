"""The search box's one field, and the kind a "see all" link narrows the page to."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from search.kinds import KINDS
from zones_portal.search import QUERY_MAX_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Events, agreements, calls, people…"),
                "autofocus": True,
            }
        ),
    )
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(kind.slug, kind.label) for kind in KINDS],
        widget=forms.HiddenInput,
    )
