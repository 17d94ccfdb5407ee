"""Pages: certificates. Those who run a round issue and download its winners' certificates; the
secretariat does the same for a call's selected contestants; anyone checks a certificate by its code.

Thin: read input, call ``contests.services.certificates``, render.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from contests.models import Certificate, CertificateTemplate, Round
from contests.services import certificates as services
from talent.models import Application, TalentCall
from talent.views import proven_email
from zones_portal import files
from zones_portal.forms import show_refusal
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.permissions import is_secretariat
from zones_portal.ratelimit import too_many


@login_required
def certificate_index(request: HttpRequest) -> HttpResponse:
    """Where certificates are issued: the decided rounds a person runs and, for the secretariat, the
    calls with selected contestants; each with how many are due and how many issued."""
    rounds = (
        Round.objects.editable_by(request.user)
        .filter(status=Round.Status.DECIDED)
        .select_related("call", "zone")
        .annotate(
            due=Count(
                "entries",
                filter=Q(entries__status__in=services.PLACED, entries__rank__isnull=False),
                distinct=True,
            ),
            issued=Count("certificates", distinct=True),
        )
        .order_by("-call__opens_at", "call_id", "stage", "zone__sort_order", "pk")
    )
    calls = []
    if is_secretariat(request.user):
        calls = list(
            TalentCall.objects.filter(
                Exists(Application.objects.filter(call_id=OuterRef("pk"), status=Application.Status.SELECTED))
            )
            .annotate(
                due=Count(
                    "applications",
                    filter=Q(applications__status=Application.Status.SELECTED),
                    distinct=True,
                ),
                issued=Count(
                    "applications__certificates",
                    filter=Q(applications__certificates__template__kind=CertificateTemplate.Kind.SELECTED),
                    distinct=True,
                ),
            )
            .order_by("-opens_at", "pk")
        )
    rounds = list(rounds)
    if not rounds and not calls and not Round.objects.editable_by(request.user).exists():
        raise PermissionDenied(_("Certificates are issued by those who run a competition's rounds."))
    return render(request, "contests/certificates/index.html", {"rounds": rounds, "calls": calls})


def _listing(pairs: list[tuple], template: CertificateTemplate | None) -> dict[str, object]:
    """Rows of (contestant, place, certificate or None, issued with earlier wording) and what the
    buttons need."""
    rows = [
        (
            application,
            place,
            certificate,
            certificate is not None and services.is_stale(certificate, template),
        )
        for application, place, certificate in pairs
    ]
    return {
        "rows": rows,
        "template": template,
        "any_missing": any(certificate is None for _a, _p, certificate, _s in rows),
        "any_stale": any(stale for *_rest, stale in rows),
    }


@login_required
def round_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.select_related("call", "zone"), pk=pk)
    if not services.can_issue_for_round(request.user, round_):
        raise PermissionDenied(_("Only those who run this round issue its certificates."))
    template = services.template_for(CertificateTemplate.Kind.ROUND_WINNER, round_.call)
    issued = {
        certificate.application_id: certificate
        for certificate in round_.certificates.filter(template__kind=CertificateTemplate.Kind.ROUND_WINNER)
    }
    pairs = [
        (entry.application, entry.rank, issued.get(entry.application_id))
        for entry in services.placed_entries(round_)
    ]
    return render(
        request,
        "contests/certificates/round.html",
        {
            "round": round_,
            "decided": round_.status == Round.Status.DECIDED,
            "may_issue_again": is_secretariat(request.user),
            **_listing(pairs, template),
        },
    )


@login_required
@require_POST
def round_issue(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=pk)
    try:
        done = services.issue_for_round(request.user, round_, again=request.POST.get("again") == "1")
    except (InvalidMoveError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        _report(request, done)
    return redirect("contests:round-certificates", pk=round_.pk)


@login_required
def call_certificates(request: HttpRequest, call: int) -> HttpResponse:
    talent_call = get_object_or_404(TalentCall, pk=call)
    if not services.can_issue_for_call(request.user, talent_call):
        raise PermissionDenied(_("Only the secretariat issues certificates to selected contestants."))
    template = services.template_for(CertificateTemplate.Kind.SELECTED, talent_call)
    issued = {
        certificate.application_id: certificate
        for certificate in Certificate.objects.filter(
            application__call=talent_call,
            round__isnull=True,
            template__kind=CertificateTemplate.Kind.SELECTED,
        )
    }
    pairs = [
        (application, None, issued.get(application.pk))
        for application in services.selected_applications(talent_call)
    ]
    return render(
        request,
        "contests/certificates/call.html",
        {"call": talent_call, "may_issue_again": True, **_listing(pairs, template)},
    )


@login_required
@require_POST
def call_issue(request: HttpRequest, call: int) -> HttpResponse:
    talent_call = get_object_or_404(TalentCall, pk=call)
    try:
        done = services.issue_for_call(request.user, talent_call, again=request.POST.get("again") == "1")
    except (InvalidMoveError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        _report(request, done)
    return redirect("contests:call-certificates", call=talent_call.pk)


def _report(request: HttpRequest, done: services.Issued) -> None:
    if done.issued:
        count = len(done.issued)
        messages.success(
            request,
            ngettext("%(count)d certificate issued.", "%(count)d certificates issued.", count)
            % {"count": count},
        )
    if done.reissued:
        count = len(done.reissued)
        messages.success(
            request,
            ngettext(
                "%(count)d certificate issued again with the new wording.",
                "%(count)d certificates issued again with the new wording.",
                count,
            )
            % {"count": count},
        )
    if done.stale:
        count = len(done.stale)
        messages.warning(
            request,
            ngettext(
                "%(count)d certificate was issued with earlier wording; issue it again to use the new one.",
                "%(count)d certificates were issued with earlier wording; issue them again to use the new one.",
                count,
            )
            % {"count": count},
        )
    if not (done.issued or done.reissued or done.stale):
        messages.info(request, _("Every certificate is already issued; nothing changed."))


@login_required
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(
        services.certificates_for(request.user).select_related("round", "application"), pk=pk
    )
    if not services.can_download(request.user, certificate):
        raise Http404
    return files.download(certificate.file, f"certificate-{certificate.serial.replace('/', '-')}")


def certificate_for_contestant(request: HttpRequest, pk: int) -> HttpResponse:
    """The contestant's own certificate, without an account: in the browser that looked their application
    up on the public status page with its tracking code and email, for half an hour after."""
    certificate = Certificate.objects.select_related("application").filter(pk=pk).first()
    email = proven_email(request, certificate.application_id) if certificate is not None else None
    if certificate is None or email is None or certificate.application.email != email:
        messages.info(
            request, _("Enter your tracking code and email first; then you can download your certificate.")
        )
        return redirect("talent:status")
    response = files.download(certificate.file, f"certificate-{certificate.serial.replace('/', '-')}")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def certificate_check(request: HttpRequest) -> HttpResponse:
    """Anyone holding a certificate's code sees what it certifies: name, call, round, place, date;
    never contact details. A wrong code answers 404; lookups are limited per client."""
    code = request.GET.get("code", "").strip()
    certificate = None
    if code:
        limit, window = settings.CERTIFICATE_CHECK_RATE
        retry_after = too_many(request, "certificate-check", limit, window)
        if retry_after:
            response = render(request, "429.html", {"minutes": -(-retry_after // 60)}, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        certificate = services.find_by_code(code)
    status = 404 if code and certificate is None else 200
    response = render(
        request,
        "contests/certificates/check.html",
        {"code": code, "certificate": certificate, "not_found": status == 404},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


urlpatterns = [
    path("certificates/", certificate_index, name="certificates"),
    path("certificates/check/", certificate_check, name="certificate-check"),
    path("certificates/<int:pk>/pdf/", certificate_download, name="certificate-download"),
    path("certificates/<int:pk>/yours/", certificate_for_contestant, name="certificate-contestant"),
    path("rounds/<int:pk>/certificates/", round_certificates, name="round-certificates"),
    path("rounds/<int:pk>/certificates/issue/", round_issue, name="round-certificates-issue"),
    path("calls/<int:call>/certificates/", call_certificates, name="call-certificates"),
    path("calls/<int:call>/certificates/issue/", call_issue, name="call-certificates-issue"),
]
