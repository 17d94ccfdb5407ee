"""The person's notifications in the dashboard, and their preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reminders import services
from reminders.registry import RULES
from zones_portal import fragments, permissions
from zones_portal import services as portal_services
from zones_portal.models import User
from zones_portal.views import paginate, remember_language

SHOWN = services.SHOWN


def _mine(request: HttpRequest):
    return services.shown_to(request.user)


PAGE_SIZE = 50
PK_MARK = 987654321  # stands for a notification's id in its address


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The newest first, a page at a time; a row shows its title, when and whether it was read.

    The total comes from the kept counts (the bell's), and the page's rows and pager are kept as HTML
    under the counts' token, so a reader paging back and forth costs a cache read; built afresh, the
    page reads its rows along the index of shown reminders. Either way the cost does not grow with the
    reader's history."""
    counts = services.counts_for_request(request)

    def build() -> str:
        rows = _mine(request).only("pk", "title", "due_at", "read_at").order_by("-due_at", "-pk")
        page = paginate(request, rows, PAGE_SIZE, count=counts.shown)
        # Each row links to its notification: the address is reversed once per page, not once per row.
        pattern = reverse("reminders:open", args=[PK_MARK])
        for notification in page.rows:
            notification.url = pattern.replace(str(PK_MARK), str(notification.pk))
        return render_to_string("reminders/_notification_rows.html", {"page": page})

    rows = fragments.cached_content(
        request,
        "notifications",
        [services.NOTIFICATIONS],
        build,
        per=[request.user.pk, counts.token],
        seconds=services.COUNTS_TIMEOUT,
    )
    return render(request, "reminders/notification_list.html", {"counts": counts, "rows": rows})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Marks it read and goes to what it is about."""
    notification = get_object_or_404(_mine(request), pk=pk)
    if notification.read_at is None:
        services.mark_read(request.user, pk)
    rule = RULES.get(notification.rule)
    subject = notification.subject
    if rule is None or subject is None:
        return redirect("reminders:list")
    return redirect(rule.context(subject, notification.occasion).get("path") or "reminders:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("reminders:list")


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=User.Language.choices)
    wants_digest = forms.BooleanField(
        label=gettext_lazy("Send me the weekly digest on Saturday mornings"), required=False
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST or None,
        initial={"language": request.user.language, "wants_digest": request.user.wants_digest},
    )
    if not permissions.is_secretariat(request.user):
        del form.fields["wants_digest"]  # only the secretariat gets the digest
    if request.method == "POST" and form.is_valid():
        portal_services.set_preferences(request.user, **form.cleaned_data)
        messages.success(request, _("Your preferences are saved."))
        response = redirect("reminders:preferences")
        remember_language(response, request.user.language)
        return response
    return render(request, "reminders/preferences.html", {"form": form})
