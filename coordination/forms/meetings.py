"""Forms of the meetings pages. Rules beyond one field are the services'; their errors land here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import Invitee, Meeting
from zones_portal.models import Institution, Zone
from zones_portal.widgets import LocalDateTimeField

MEETING_FORM_FIELDS = ("title", "starts_at", "ends_at", "agenda_cutoff", "place", "online_link", "notes")


class MeetingForm(forms.Form):
    """Scheduling or changing a meeting. Every active zone is offered and, for a new meeting, ticked:
    the whole council is the usual case, and a subset is made by unticking."""

    title = forms.CharField(label=_("Title"), max_length=300)
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    agenda_cutoff = LocalDateTimeField(
        label=_("Agenda closes"),
        help_text=_("Zones and institutions propose agenda items until then."),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_link = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
        help_text=_("Give a place, an online link, or both."),
    )
    notes = forms.CharField(
        label=_("Notes for the invitees"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    zones = forms.ModelMultipleChoiceField(
        label=_("Invited zones"),
        queryset=Zone.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "invitee-choice"}),
        required=False,
    )
    institutions = forms.ModelMultipleChoiceField(
        label=_("Invited institutions"),
        queryset=Institution.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "invitee-choice"}),
        required=False,
    )

    @classmethod
    def initial_for_new(cls) -> dict[str, Any]:
        return {"zones": list(Zone.objects.filter(is_active=True))}

    @classmethod
    def initial_from(cls, meeting: Meeting) -> dict[str, Any]:
        invitees = list(meeting.invitees.all())
        return {
            **{name: getattr(meeting, name) for name in MEETING_FORM_FIELDS},
            "zones": [i.zone_id for i in invitees if i.zone_id],
            "institutions": [i.institution_id for i in invitees if i.institution_id],
        }

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in MEETING_FORM_FIELDS},
            "zones": list(data["zones"]),
            "institutions": list(data["institutions"]),
        }


class AgendaProposalForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=300)
    description = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class InvitationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Invitee.Answer.ATTENDING, _("We will attend")),
            (Invitee.Answer.APOLOGIES, _("We send our apologies")),
        ],
        widget=forms.RadioSelect,
    )
    attendees = forms.CharField(
        label=_("Who will attend"),
        max_length=300,
        required=False,
        help_text=_("Names and positions."),
    )
    apology_note = forms.CharField(label=_("Apologies"), max_length=300, required=False)

    @classmethod
    def initial_from(cls, invitee: Invitee) -> dict[str, Any]:
        return {
            "answer": invitee.answer if invitee.answered_at else None,
            "attendees": invitee.attendees,
            "apology_note": invitee.apology_note,
        }


class ReasonForm(forms.Form):
    """The reason a cancellation or a declined agenda item carries; the service asks for it."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
