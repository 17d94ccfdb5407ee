import re

from django import forms
from django.utils.translation import gettext_lazy as _

from zones_portal.twofactor.services import RECOVERY_CODE_DIGITS, TOTP_DIGITS, normalise_code

_DIGITS = re.compile("[0-9]+")


class CodeForm(forms.Form):
    """One code: the six digits of the authenticator app or, where allowed, a ten-digit recovery
    code; typed with Latin, Persian or Arabic digits, with or without spaces and hyphens."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "dir": "ltr",
                "autofocus": True,
                "class": "code-input",
            }
        ),
    )

    def __init__(self, *args: object, recovery_allowed: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.recovery_allowed = recovery_allowed
        if recovery_allowed:
            self.fields["code"].help_text = _(
                "The six digits your authenticator app shows, or one of your recovery codes."
            )
        else:
            self.fields["code"].help_text = _("The six digits your authenticator app shows.")

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not _DIGITS.fullmatch(code):
            raise forms.ValidationError(_("A code is made of digits only."), code="not_digits")
        lengths = {TOTP_DIGITS, RECOVERY_CODE_DIGITS} if self.recovery_allowed else {TOTP_DIGITS}
        if len(code) not in lengths:
            if self.recovery_allowed:
                raise forms.ValidationError(
                    _("An app's code has six digits; a recovery code has ten."), code="length"
                )
            raise forms.ValidationError(_("The app's code has six digits."), code="length")
        return code
