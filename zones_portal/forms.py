from django import forms

from zones_portal.models import Zone
from zones_portal.services import ZONE_CONTACT_FIELDS


class ZoneContactForm(forms.ModelForm):
    class Meta:
        model = Zone
        fields = ZONE_CONTACT_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
