"""Forms of the rounds' pages: setting up rounds, seating judges, a reason to reopen scoring.

Numbers and dates take Persian, Arabic and Latin digits (the portal's own fields); the judges' score
form is talent's, reused as it is (``talent.forms.ScoreForm``), since a round's criteria have the same
shape as a call's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contests.models import Round
from contests.services.rounds import candidate_judges
from talent.models import TalentCall
from zones_portal.models import Zone
from zones_portal.widgets import LocalDateTimeField, LocalDecimalField, LocalIntegerField


class _RuleFields(forms.Form):
    advance_rule = forms.ChoiceField(label=_("Who goes on"), choices=Round.Advance.choices)
    advance_count = LocalIntegerField(
        label=_("How many go on (N)"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("For the best N, the best N of each zone, and the places of a final."),
    )
    advance_min_score = LocalDecimalField(
        label=_("Lowest score that goes on"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("Out of 100: each criterion's share of its maximum, weighted."),
    )
    tie_break = forms.ChoiceField(label=_("Ties"), choices=Round.TieBreak.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        rule = data.get("advance_rule")
        needs_count = (Round.Advance.TOP, Round.Advance.TOP_PER_ZONE, Round.Advance.FINAL)
        if rule in needs_count and not data.get("advance_count"):
            self.add_error("advance_count", _("Say how many go on."))
        if rule == Round.Advance.MIN_SCORE and data.get("advance_min_score") is None:
            self.add_error("advance_min_score", _("Give the lowest score that goes on."))
        return data


class PreliminariesForm(_RuleFields):
    """The first stage in one go: a review round in each chosen zone."""

    zones = forms.ModelMultipleChoiceField(
        label=_("Zones"),
        queryset=Zone.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A zone that has its preliminary already keeps it."),
    )
    criteria_from = forms.ModelChoiceField(
        label=_("Criteria"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("The call's own criteria"),
    )
    scoring_opens_at = LocalDateTimeField(label=_("Scoring opens"))
    scoring_closes_at = LocalDateTimeField(label=_("Scoring closes"))
    blind = forms.BooleanField(
        label=_("Blind review"),
        required=False,
        help_text=_("Jurors see only the work and an entry number: no name, zone, age or contact."),
    )
    next_round = forms.ModelChoiceField(
        label=_("Contestants go on to"), queryset=Round.objects.none(), required=False
    )

    def __init__(self, *args: Any, call: TalentCall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zones"].queryset = Zone.objects.filter(is_active=True)
        rounds = Round.objects.filter(call=call)
        self.fields["criteria_from"].queryset = rounds
        self.fields["next_round"].queryset = rounds.filter(stage__gt=1)
        self.fields["advance_rule"].initial = Round.Advance.TOP_PER_ZONE

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("advance_rule") == Round.Advance.FINAL:
            self.add_error("advance_rule", _("A zone preliminary is not the final: someone goes on."))
        opens, closes = data.get("scoring_opens_at"), data.get("scoring_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("scoring_closes_at", _("Scoring must close after it opens."))
        return data


class RoundForm(_RuleFields):
    """A later round: across the zones, hosted by one, on stage or at the jurors' pace."""

    stage = LocalIntegerField(label=_("Stage"), min_value=2, max_value=20, initial=2)
    name = forms.CharField(label=_("Name"), max_length=200)
    mode = forms.ChoiceField(label=_("How it is judged"), choices=Round.Mode.choices)
    zone = forms.ModelChoiceField(label=_("Host zone"), queryset=Zone.objects.none())
    held_at = LocalDateTimeField(label=_("Held on stage"), required=False)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    scoring_opens_at = LocalDateTimeField(label=_("Scoring opens"), required=False)
    scoring_closes_at = LocalDateTimeField(label=_("Scoring closes"), required=False)
    blind = forms.BooleanField(label=_("Blind review"), required=False)
    drop_extremes = forms.BooleanField(
        label=_("Drop the highest and lowest score"),
        required=False,
        help_text=_("For a panel of at least four."),
    )
    criteria_from = forms.ModelChoiceField(
        label=_("Criteria"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("The call's own criteria"),
    )
    fed_by = forms.ModelMultipleChoiceField(
        label=_("Contestants come from"),
        queryset=Round.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, call: TalentCall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(is_active=True)
        rounds = Round.objects.filter(call=call).select_related("zone")
        self.fields["criteria_from"].queryset = rounds
        self.fields["fed_by"].queryset = rounds.exclude(status=Round.Status.DECIDED)
        self.fields["advance_rule"].initial = Round.Advance.FINAL
        self.fields["tie_break"].initial = Round.TieBreak.CRITERIA

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["kind"] = Round.Kind.JOINT
        data["venue"] = data.get("venue") or ""
        return data


class JudgesForm(forms.Form):
    judges = forms.ModelMultipleChoiceField(
        label=_("Judges"),
        queryset=candidate_judges(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People on a talent call's jury or on a round's panel."),
    )
    chair = forms.ModelChoiceField(
        label=_("Chair"),
        queryset=candidate_judges(),
        required=False,
        empty_label=_("No chair"),
        help_text=_("Needed for a round on stage: the chair opens and closes each turn."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judges"].queryset = candidate_judges()
        self.fields["chair"].queryset = candidate_judges()
        self.fields["judges"].label_from_instance = _person
        self.fields["chair"].label_from_instance = _person


def _person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why scoring opens again"), widget=forms.Textarea(attrs={"rows": 2}))
