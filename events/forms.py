from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from events import services
from events.models import Event, EventCategory, EventReport, EventSeries, Participation
from events.plan import activity_label, jalali_quarter, ordered_activities
from programmes.models import PlannedActivity, Programme
from zones_portal import permissions
from zones_portal.models import Institution, Zone
from zones_portal.widgets import (
    LocalDateTimeField,
    LocalDecimalField,
    LocalIntegerField,
    MultipleFileField,
    MultipleFileInput,
)

EVENT_FORM_FIELDS = (
    "title",
    "category",
    "description",
    "venue",
    "map_link",
    "starts_at",
    "ends_at",
    "expected_audience",
    "agreement",
    "planned_activity",
)


class ActivitySelect(forms.Select):
    """The planned activities' list, each option carrying what the page's script needs to suggest it
    (category, year, quarter, the programme's order)."""

    def __init__(self, attrs: dict | None = None, option_data: dict[str, dict[str, str]] | None = None):
        super().__init__(attrs)
        self.option_data = option_data or {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


class EventForm(forms.Form):
    """Proposal and edit of an event. Rules beyond one field are the service's; its errors land here."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=EventCategory.objects.filter(is_active=True)
    )
    host_zone = forms.ModelChoiceField(label=_("Host zone"), queryset=Zone.objects.filter(is_active=True))
    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=EventSeries.objects.none(),
        required=False,
        empty_label=_("Not part of a series"),
        help_text=_("If this is an edition of an event your zone holds again and again."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    # An address is read left to right whatever the page's direction.
    map_link = Event._meta.get_field("map_link").formfield(
        label=_("Map link"), widget=forms.URLInput(attrs={"dir": "ltr"})
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    expected_audience = LocalIntegerField(label=_("Expected audience"), min_value=0, required=False)
    participating_zones = forms.ModelMultipleChoiceField(
        label=_("Invite zones"),
        queryset=Zone.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Each invited zone is asked to accept or decline once the event is submitted."),
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("Co-organising institutions"),
        queryset=Institution.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agreement = forms.ModelChoiceField(
        label=_("Agreement it carries out"),
        queryset=Agreement.objects.none(),
        required=False,
        help_text=_("If the event carries out a memorandum of understanding your zone is party to."),
    )
    planned_activity = forms.ModelChoiceField(
        label=_("Planned activity it delivers"),
        queryset=PlannedActivity.objects.none(),
        required=False,
        empty_label=_("Not in the plan (unplanned event)"),
        help_text=_(
            "An activity of your zone's approved annual programme. Those of the same category and "
            "quarter as the event come first."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = permissions.scope_of(user)
        self._offer_activities(scope)
        self.fields["agreement"].queryset = Agreement.objects.visible_to(user).exclude(
            status__in=[Agreement.Status.TERMINATED]
        )
        if not scope.secretariat:
            # A zone proposes for itself only: the host is not a choice.
            del self.fields["host_zone"]
            self.fields["participating_zones"].queryset = Zone.objects.filter(is_active=True).exclude(
                pk=scope.zone_id
            )
        self._offer_series(user, scope)

    def _offer_series(self, user: Any, scope: Any) -> None:
        """The host zone's series (every zone's, named with their zone, for the secretariat; the service
        checks the series is the host's). No field at all while there is none to choose: a series is
        started from an event's page (“This event repeats”)."""
        field = self.fields["series"]
        series = EventSeries.objects.editable_by(user).select_related("host_zone")
        if not scope.secretariat:
            series = series.filter(host_zone_id=scope.zone_id)
        choices = list(series)
        if not choices:
            del self.fields["series"]
            return
        field.queryset = series
        if scope.secretariat:
            field.label_from_instance = lambda item: f"{item.title} · {item.host_zone.name}"

    def _chosen(self, name: str) -> Any:
        """What the form says for a field now (what was sent, read by the field, else what it started
        with), or None: only to order the suggestions, so a value that does not read is no value."""
        if not self.is_bound:
            value = self.initial.get(name)
            return getattr(value, "pk", value)
        field = self.fields[name]
        raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        if name == "planned_activity":
            return raw or None
        try:
            value = field.clean(raw)
        except ValidationError:
            return None
        return getattr(value, "pk", value)

    def _offer_activities(self, scope: Any) -> None:
        """The approved programme's activities the event may deliver: the zone's own (every zone's for
        the secretariat), those matching the event's category and quarter first, as a suggestion. Each
        option carries its category, year and quarter, so the page's script moves the suggestion while
        the form is filled; without scripts the server orders them again each time the form comes back."""
        field = self.fields["planned_activity"]
        if scope.zone_id is None and not scope.secretariat:
            del self.fields["planned_activity"]
            return
        activities = PlannedActivity.objects.filter(programme__status=Programme.Status.APPROVED)
        if not scope.secretariat:
            activities = activities.filter(programme__zone_id=scope.zone_id)
        current = self._chosen("planned_activity")
        if current:  # a link made before the programme was reopened stays offered
            activities = PlannedActivity.objects.filter(Q(pk__in=activities.values("pk")) | Q(pk=current))
        field.queryset = activities.select_related("programme__zone", "programme__year", "category")
        this_year = jalali_quarter(timezone.now())[0]
        # This year's first, then the coming years', then the past ones' (each in the programme's order).
        offered = sorted(
            field.queryset,
            key=lambda activity: (
                activity.programme.year.year < this_year,
                abs(activity.programme.year.year - this_year),
            ),
        )
        by_pk = {activity.pk: activity for activity in offered}
        suggested, others = ordered_activities(
            offered, self._chosen("category"), self._chosen("starts_at"), scope.secretariat
        )

        def named(choices: list[tuple[int, str]]) -> list[tuple[int, str]]:
            return [(pk, activity_label(by_pk[pk], scope.secretariat)) for pk, _label in choices]

        suggested_label = _("Suggested: same category and quarter")
        others_label = _("Other activities of the programme")
        if suggested:
            field.choices = [
                ("", field.empty_label),
                (suggested_label, named(suggested)),
                *([(others_label, named(others))] if others else []),
            ]
        else:
            field.choices = [("", field.empty_label), *named(others)]
        field.widget = ActivitySelect(
            attrs={"data-suggested-label": suggested_label, "data-others-label": others_label},
            option_data={
                str(activity.pk): {
                    "data-category": str(activity.category_id),
                    "data-year": str(activity.programme.year.year),
                    "data-quarter": str(activity.quarter),
                    "data-order": str(order),
                }
                for order, activity in enumerate(offered)
            },
        )
        field.widget.choices = field.choices

    @classmethod
    def initial_from(cls, event: Event) -> dict[str, Any]:
        return {
            **{name: getattr(event, name) for name in EVENT_FORM_FIELDS},
            "host_zone": event.host_zone,
            "series": event.series_id,
            "participating_zones": list(event.participating_zones.all()),
            "co_organisers": list(event.co_organisers.all()),
        }

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {
            **{name: data[name] for name in EVENT_FORM_FIELDS},
            **({"host_zone": data["host_zone"]} if "host_zone" in data else {}),
            "participating_zones": list(data["participating_zones"]),
            "co_organisers": list(data["co_organisers"]),
        }

    def chosen_series(self) -> tuple[bool, EventSeries | None]:
        """Whether the form offered a series, and the one chosen (None: none). The series is set by its
        own service (``set_event_series``), not with the event's fields."""
        if "series" not in self.fields:
            return False, None
        return True, self.cleaned_data.get("series")


class SeriesForm(forms.Form):
    """“This event repeats”: a new series of the host zone with this event as an edition, or one of the
    zone's series it joins."""

    existing = forms.ModelChoiceField(
        label=_("Series"),
        queryset=EventSeries.objects.none(),
        required=False,
        empty_label=_("A new series"),
        help_text=_("An edition of a series your zone already has, or the first of a new one."),
    )
    title = forms.CharField(
        label=_("Name of the series"),
        max_length=200,
        required=False,
        help_text=_("Without the year: each edition's own title carries it."),
    )
    recurrence = forms.ChoiceField(
        label=_("Repeats"),
        choices=EventSeries.Recurrence.choices,
        initial=EventSeries.Recurrence.YEARLY,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        series = EventSeries.objects.filter(host_zone_id=event.host_zone_id)
        if series.exists():
            self.fields["existing"].queryset = series
        else:
            del self.fields["existing"]
        self.fields["title"].initial = services.series_title_for(event)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("existing") and not (data.get("title") or "").strip():
            self.add_error("title", _("Name the new series."))
        return data


class NextEditionForm(forms.Form):
    """When the next edition starts: asked for a series with no fixed interval, offered a year on."""

    starts_at = LocalDateTimeField(
        label=_("The next edition starts"),
        help_text=_("It lasts as long as this one; everything else can be changed in the draft."),
    )


class InvitationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your zone's answer"),
        choices=[
            (Participation.Answer.ACCEPTED, _("We will take part")),
            (Participation.Answer.DECLINED, _("We will not take part")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class PublicFiguresForm(forms.Form):
    """The secretariat's switch for a report's public figures: a hidden choice, sent by one button."""

    public = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )


class ReportForm(forms.ModelForm):
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    class Meta:
        model = EventReport
        # Export contracts are no longer part of the report: they are deals in the export register.
        fields = ("attendance", "artists_count", "outcomes", "spent")
        widgets = {"outcomes": forms.Textarea(attrs={"rows": 5})}
        # Text inputs that take Persian and Arabic digits: a browser's number input drops them.
        field_classes = {
            "attendance": LocalIntegerField,
            "artists_count": LocalIntegerField,
            "spent": LocalDecimalField,
        }
        help_texts = {"spent": _("What the event actually cost, in rials, against its planned budget.")}

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {"attachments": data.pop("attachments", []), **data}


class ConflictCheckForm(forms.Form):
    """What the event form sends while it is filled, to hear of clashes before the event is saved."""

    category = forms.ModelChoiceField(queryset=EventCategory.objects.all())
    host_zone = forms.ModelChoiceField(queryset=Zone.objects.all(), required=False)
    starts_at = LocalDateTimeField()
    ends_at = LocalDateTimeField()


@dataclass(frozen=True)
class Decision:
    """A decision the secretariat takes on an event: a move of ``services.EVENT_LIFECYCLE``, carried
    out by its service, with the words its button, confirmation and message use."""

    move: str
    label: str
    question: str
    done: str
    service: Callable[..., Event]
    reason_label: str = ""  # each decision's own, so two reason boxes on one page are told apart
    until_the_end: bool = False  # the service refuses it once the event has ended

    @property
    def needs_reason(self) -> bool:
        return bool(services.EVENT_LIFECYCLE.moves[self.move].reason_field)

    def carry_out(self, actor: Any, event: Event, reason: str = "") -> Event:
        if self.needs_reason:
            return self.service(actor, event, reason)
        return self.service(actor, event)


DECISIONS = {
    decision.move: decision
    for decision in (
        Decision(
            "approve",
            _("Approve"),
            _("Approve this event? It will be published on the shared calendar."),
            _("The event is approved."),
            services.approve_event,
            until_the_end=True,
        ),
        Decision(
            "reject",
            _("Reject"),
            _("Reject this event? The host zone can correct it and submit it again."),
            _("The event is rejected; the host zone will see the reason."),
            services.reject_event,
            reason_label=_("Reason for rejection"),
        ),
        Decision(
            "cancel",
            _("Cancel the event"),
            _("Cancel this event? It leaves the calendar, and the zones will see the reason."),
            _("The event is cancelled."),
            services.cancel_event,
            reason_label=_("Reason for cancellation"),
            until_the_end=True,
        ),
    )
}


def decisions_open_to(user: Any, event: Event) -> list[Decision]:
    """The decisions to offer as buttons: those the lifecycle lets this person make on the event now."""
    return [
        decision
        for decision in DECISIONS.values()
        if services.EVENT_LIFECYCLE.allows(decision.move, user, event)
        and not (decision.until_the_end and event.has_ended)
    ]


class DecisionForm(forms.Form):
    """Confirms a decision; a reject or a cancel carries the reason the zones will read."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The parties will see this reason."),
    )

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", decision.move)
        super().__init__(*args, **kwargs)
        move = services.EVENT_LIFECYCLE.moves[decision.move]
        if decision.needs_reason:
            # The lifecycle's own sentence, so the form and the service ask for a reason alike.
            self.fields["reason"].error_messages["required"] = move.reason_required
            self.fields["reason"].label = decision.reason_label or self.fields["reason"].label
        else:
            del self.fields["reason"]
