"""Forms of the minutes page, the comments and the action items. Rules beyond one field are the services';
their errors land on these forms (``zones_portal.forms.add_service_errors``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agreements.models import Agreement
from coordination.models import ActionItem, AgendaItem, Invitee, Side
from events.models import Event
from zones_portal.models import Institution, Zone
from zones_portal.widgets import LocalDateField, LocalDateTimeField

SECRETARIAT_OWNER = "secretariat"


class AttendanceForm(forms.Form):
    """Who came, one pair of fields per invitee: ``attendance-<id>`` and ``attended_by-<id>``."""

    def __init__(self, *args: Any, invitees: Sequence[Invitee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitees = list(invitees)
        for invitee in self.invitees:
            self.fields[f"attendance-{invitee.pk}"] = forms.ChoiceField(
                label=invitee.organisation_name,
                choices=Invitee.Attendance.choices,
                required=False,
                initial=invitee.attendance,
            )
            self.fields[f"attended_by-{invitee.pk}"] = forms.CharField(
                label=_("Attended by"),
                max_length=300,
                required=False,
                initial=invitee.attended_by or invitee.attendees,
                help_text=_("Names and positions, as the minutes record them."),
            )

    def rows(self) -> list[tuple[Invitee, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"attendance-{i.pk}"], self[f"attended_by-{i.pk}"]) for i in self.invitees]

    def service_rows(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {i.pk: (data[f"attendance-{i.pk}"], data[f"attended_by-{i.pk}"]) for i in self.invitees}


class MinutesForm(forms.Form):
    """The general record and the minutes of each accepted agenda item (``item-<id>``)."""

    summary = forms.CharField(
        label=_("General record"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Opening, who chaired, anything not under one agenda item."),
    )

    def __init__(self, *args: Any, agenda: Sequence[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agenda = list(agenda)
        for item in self.agenda:
            self.fields[f"item-{item.pk}"] = forms.CharField(
                label=item.title,
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                initial=item.minutes,
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item-{item.pk}"] for item in self.agenda]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"summary": data["summary"], "items": {i.pk: data[f"item-{i.pk}"] for i in self.agenda}}


class AgendaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, item: AgendaItem) -> str:
        return item.title


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("council meeting", "Decision"), widget=forms.Textarea(attrs={"rows": 3})
    )
    agenda_item = AgendaChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("Not under an agenda item"),
    )

    def __init__(self, *args: Any, agenda: Sequence[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        field.queryset = AgendaItem.objects.filter(pk__in=[item.pk for item in agenda])
        # The choices come from the agenda already read for the page, not a query per form.
        field.choices = [("", field.empty_label), *((item.pk, item.title) for item in agenda)]


def owner_choices(zones: Iterable[Zone], institutions: Iterable[Institution]) -> list[tuple[Any, Any]]:
    """The secretariat, then the zones, then the institutions, in one list (read once per page)."""
    return [
        (SECRETARIAT_OWNER, _("The secretariat")),
        (_("Zones"), [(f"zone:{zone.pk}", zone.name) for zone in zones]),
        (_("Institutions"), [(f"institution:{inst.pk}", inst.name) for inst in institutions]),
    ]


class LinkChoiceField(forms.ModelChoiceField):
    """An event or agreement chosen from the ones the person sees (choices read once per page)."""

    def label_from_instance(self, record: Any) -> str:
        return str(record)


class _LinksMixin:
    """The optional event and agreement that carry an action item out, from the ones the person sees."""

    def _set_links(self, events: Sequence[Event], agreements: Sequence[Agreement]) -> None:
        for name, rows, model in (("event", events, Event), ("agreement", agreements, Agreement)):
            field = self.fields[name]
            field.queryset = model.objects.filter(pk__in=[row.pk for row in rows])
            field.choices = [("", field.empty_label), *((row.pk, str(row)) for row in rows)]


class ActionItemForm(_LinksMixin, forms.Form):
    """What a decision asks of whom, by when."""

    description = forms.CharField(label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label=_("Owed by"))
    due_on = LocalDateField(label=_("Due on"))
    event = LinkChoiceField(
        label=_("Event that carries it out"), queryset=Event.objects.none(), required=False, empty_label="—"
    )
    agreement = LinkChoiceField(
        label=_("Agreement it carries out"),
        queryset=Agreement.objects.none(),
        required=False,
        empty_label="—",
    )

    def __init__(
        self,
        *args: Any,
        owners: list[tuple[Any, Any]],
        zones: dict[int, Zone],
        institutions: dict[int, Institution],
        events: Sequence[Event],
        agreements: Sequence[Agreement],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners
        self.zones, self.institutions = zones, institutions
        self._set_links(events, agreements)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind, _sep, pk = data["owner"].partition(":")
        return {
            "description": data["description"],
            "due_on": data["due_on"],
            "kind": {"zone": Side.ZONE, "institution": Side.INSTITUTION}.get(kind, Side.SECRETARIAT),
            "zone": self.zones.get(int(pk)) if kind == "zone" else None,
            "institution": self.institutions.get(int(pk)) if kind == "institution" else None,
            "event": data["event"],
            "agreement": data["agreement"],
        }


class CirculateForm(forms.Form):
    comments_until = LocalDateTimeField(
        label=_("Comments accepted until"),
        help_text=_("The invitees may comment on the minutes until then; you approve them after."),
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}))
    agenda_item = AgendaChoiceField(
        label=_("On the agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("The minutes as a whole"),
    )

    def __init__(self, *args: Any, agenda: Sequence[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        field.queryset = AgendaItem.objects.filter(pk__in=[item.pk for item in agenda])
        field.choices = [("", field.empty_label), *((item.pk, item.title) for item in agenda)]


class ActionItemReportForm(_LinksMixin, forms.Form):
    """What the owner tells the secretariat: the evidence, and whether it is done."""

    evidence_note = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("What was done, with dates and numbers."),
    )
    evidence_link = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    done_on = LocalDateField(
        label=_("Done on"), required=False, help_text=_("Leave empty for today, when you mark it done.")
    )
    event = LinkChoiceField(
        label=_("Event that carried it out"), queryset=Event.objects.none(), required=False, empty_label="—"
    )
    agreement = LinkChoiceField(
        label=_("Agreement it carried out"),
        queryset=Agreement.objects.none(),
        required=False,
        empty_label="—",
    )

    def __init__(
        self, *args: Any, events: Sequence[Event], agreements: Sequence[Agreement], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_links(events, agreements)

    @classmethod
    def initial_from(cls, item: ActionItem) -> dict[str, Any]:
        return {
            "evidence_note": item.evidence_note,
            "evidence_link": item.evidence_link,
            "done_on": item.done_on,
            "event": item.event_id,
            "agreement": item.agreement_id,
        }

    def service_arguments(self, *, complete: bool) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "evidence_note": data["evidence_note"],
            "evidence_link": data["evidence_link"],
            "evidence_file": data["evidence_file"] or None,
            "done_on": data["done_on"],
            "event": data["event"],
            "agreement": data["agreement"],
            "complete": complete,
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
