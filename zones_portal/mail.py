"""Mail from templates, in the recipient's language: a subject, a plain-text body and an HTML body."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation


def render_mail(template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """``template`` names a folder under templates/emails/ holding subject.txt, body.txt and body.html."""
    with translation.override(language):
        context = {**context, "LANGUAGE_CODE": language, "LANGUAGE_BIDI": translation.get_language_bidi()}
        # The subject and the text part are plain text: nothing in them is HTML, so nothing is escaped
        # (a title with "<" or "&" arrives as written); only the HTML part is escaped.
        subject = " ".join(_plain(f"emails/{template}/subject.txt", context).split())
        text = _plain(f"emails/{template}/body.txt", context)
        html = render_to_string(f"emails/{template}/body.html", context)
    return subject, text, html


def send_templated_mail(
    to: Sequence[str],
    template: str,
    context: dict[str, Any],
    language: str,
    headers: dict[str, str] | None = None,
) -> None:
    subject, text, html = render_mail(template, context, language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, list(to), headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()


def _plain(name: str, context: dict[str, Any]) -> str:
    return get_template(name).template.render(Context(context, autoescape=False))
