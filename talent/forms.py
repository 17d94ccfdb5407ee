from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from talent.models import PORTFOLIO_MAX_FILES, Application, ScoringCriterion, TalentCall
from zones_portal.dates import uses_jalali
from zones_portal.models import Zone
from zones_portal.widgets import (
    LatinDigitsCharField,
    LocalDateField,
    LocalDecimalField,
    MultipleFileField,
    MultipleFileInput,
)


class ApplicationForm(forms.ModelForm):
    """The public form. Field checks here; the call's own rules (dates, age, zones, duplicates) in the service."""

    birth_date = LocalDateField(label=_("Birth date"))

    def __init__(self, *args: Any, call: TalentCall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discipline"].queryset = call.disciplines.all()
        # Every zone is listed, so that an ineligible one gets the call's own sentence, not "invalid choice".
        self.fields["zone"].queryset = Zone.objects.filter(is_active=True)
        self.fields["zone"].label = _("Your zone")
        placeholder = "۱۳۸۰/۰۵/۲۰" if uses_jalali() else "2001-08-11"
        self.fields["birth_date"].widget.attrs["placeholder"] = placeholder

    files = MultipleFileField(
        label=_("Portfolio files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.mp3,.mp4"}),
        help_text=_(
            "Up to %(count)s files: PDF up to 20 MB, JPEG or PNG up to 10 MB, MP3 up to 30 MB, MP4 up to 100 MB."
        )
        % {"count": PORTFOLIO_MAX_FILES},
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the secretariat keeps my details and shares them with this call's jury, "
            "and that, if I am selected, my name, zone and discipline appear in the artist network."
        ),
        required=True,
        # "This field is required" under a long sentence did not tell people which box it meant.
        error_messages={
            "required": _(
                "Tick the box “I agree that the secretariat keeps my details…” to send your application."
            )
        },
    )

    class Meta:
        model = Application
        fields = (
            "full_name",
            "birth_date",
            "zone",
            "email",
            "phone",
            "discipline",
            "statement",
            "portfolio_links",
        )
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 6}),
            "portfolio_links": forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "phone": forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
        }
        field_classes = {"phone": LatinDigitsCharField}

    def _post_clean(self) -> None:
        """The service validates the whole application against its call; the form does not half-do it."""

    def service_arguments(self, kept_files: Sequence[UploadedFile] = ()) -> dict[str, Any]:
        """``kept_files``: the ones attached to an earlier version of this form (``talent.staging``)."""
        data = dict(self.cleaned_data)
        return {"files": [*kept_files, *data.pop("files", [])], **data}

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(the field's id, its name as a person reads it, the message) for the list at the top of the
        form, which links each problem to its field. The consent message names its own box."""
        rows = []
        for bound in self:
            label = "" if bound.name == "consent" else str(bound.label)
            rows.extend((bound.id_for_label, label, str(error)) for error in bound.errors)
        return rows


class StatusLookupForm(forms.Form):
    tracking_code = LatinDigitsCharField(
        label=_("Tracking code"),
        max_length=12,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("Email you applied with"), widget=forms.EmailInput(attrs={"dir": "ltr"}))


class ScoreForm(forms.Form):
    """One field per criterion, bounded by the criterion's own maximum."""

    def __init__(
        self, *args: Any, criteria: list[ScoringCriterion], initial_scores: dict[int, Decimal], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = LocalDecimalField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.max_score,
                decimal_places=2,
                initial=initial_scores.get(criterion.pk),
                help_text=_("From 0 to %(max)s; weight %(weight)s")
                % {"max": criterion.max_score, "weight": criterion.weight},
            )

    def values(self) -> dict[int, Decimal]:
        return {criterion.pk: self.cleaned_data[f"criterion_{criterion.pk}"] for criterion in self.criteria}


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("What is the conflict of interest?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: a relative, a student, or a colleague of the applicant."),
    )
