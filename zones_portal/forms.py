from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from zones_portal.models import Zone
from zones_portal.services import ZONE_CONTACT_FIELDS
from zones_portal.widgets import LatinDigitsCharField


class ZoneContactForm(forms.ModelForm):
    class Meta:
        model = Zone
        fields = ZONE_CONTACT_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"phone": LatinDigitsCharField}


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form: per field where the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)


def refusal_messages(error: PermissionDenied | ValidationError) -> list[str]:
    """The sentences a refused move carries, whichever kind of refusal it is."""
    return list(error.messages) if isinstance(error, ValidationError) else [str(error)]


def show_refusal(request: HttpRequest, error: PermissionDenied | ValidationError) -> None:
    for message in refusal_messages(error):
        messages.error(request, message)
