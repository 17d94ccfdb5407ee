from django import forms
from django.core.exceptions import ValidationError

from zones_portal.models import Zone
from zones_portal.services import ZONE_CONTACT_FIELDS


class ZoneContactForm(forms.ModelForm):
    class Meta:
        model = Zone
        fields = ZONE_CONTACT_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form: per field where the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
