"""Talent pages: public (open calls, applying, status), the jury's, the deputies' and the network.

Thin: read input, call a service, render.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from talent import permissions, services, staging
from talent.forms import ApplicationForm, ConflictForm, ScoreForm, StatusLookupForm
from talent.history import call_timeline
from talent.models import Application, Artist, Assignment, Discipline, PortfolioFile, Score, TalentCall
from zones_portal import files
from zones_portal.forms import add_service_errors, refusal_messages, show_refusal
from zones_portal.history import timeline_for
from zones_portal.models import Zone
from zones_portal.permissions import scope_of
from zones_portal.ratelimit import limit_posts

RECENT_RECEIPT = "talent_receipt"


def _public_calls() -> QuerySet[TalentCall]:
    return TalentCall.objects.published().prefetch_related("disciplines", "eligible_zones")


# Public --------------------------------------------------------------------------------------------


def call_list(request: HttpRequest) -> HttpResponse:
    """Open and upcoming calls first, then the recent closed ones, for anyone."""
    now = timezone.now()
    calls = _public_calls()
    return render(
        request,
        "talent/call_list.html",
        {
            "open_calls": list(calls.open_at(now).order_by("closes_at")),
            "upcoming": list(
                calls.filter(status=TalentCall.Status.PUBLISHED, opens_at__gt=now).order_by("opens_at")
            ),
            "closed": list(calls.filter(closes_at__lte=now).order_by("-closes_at")[:10]),
        },
    )


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(_public_calls().prefetch_related("criteria"), pk=pk)
    context: dict[str, object] = {"call": call}
    scope = scope_of(request.user)
    if scope.secretariat or scope.zone_id is not None:
        # Those who promote and run the call see how it changed; the public sees the call as it is.
        context["timeline"] = timeline_for(request, *call_timeline(call, with_jury=False))
    return render(request, "talent/call_detail.html", context)


STAGED_FIELD = "staged_files"
REMOVE_FIELD = "remove_staged"


@limit_posts("talent-apply", "TALENT_APPLY_RATE")
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(_public_calls(), pk=pk)
    if not call.is_open and request.method == "GET":
        return render(request, "talent/call_detail.html", {"call": call}, status=200)
    if request.method != "POST":
        return _apply_page(request, call, ApplicationForm(call=call), staging.Staging())
    kept = staging.load(call, request.POST.get(STAGED_FIELD, ""))
    removed = set(request.POST.getlist(REMOVE_FIELD))
    staging.discard(staged for staged in kept.files if str(staged.pk) in removed)
    kept.files = [staged for staged in kept.files if str(staged.pk) not in removed]
    form = ApplicationForm(request.POST, request.FILES, call=call)
    uploads = staging.as_uploads(kept) if form.is_valid() and not kept.errors else None
    if uploads is not None:
        try:
            application = services.apply(call, **form.service_arguments(kept_files=uploads))
        except services.InvalidMoveError as error:
            form.add_error(None, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            staging.discard(kept.files)
            request.session[RECENT_RECEIPT] = application.pk
            return redirect("talent:applied")
        finally:
            for upload in uploads:
                upload.close()
    if call.is_open:
        # Sent back: the browser will not send the files again, so what was acceptable is kept here.
        kept = staging.stage(call, kept, request.FILES.getlist("files"))
    shown = set(form.errors.get("files", []))
    for message in kept.errors:
        if message not in shown:
            form.add_error("files", message)
    return _apply_page(request, call, form, kept)


def _apply_page(
    request: HttpRequest, call: TalentCall, form: ApplicationForm, kept: staging.Staging
) -> HttpResponse:
    return render(
        request,
        "talent/apply.html",
        {
            "call": call,
            "form": form,
            "staged": [(staged, staging.size_label(staged)) for staged in kept.files],
            "staged_token": kept.token,
            "staged_field": STAGED_FIELD,
            "remove_field": REMOVE_FIELD,
        },
    )


def applied(request: HttpRequest) -> HttpResponse:
    """The confirmation, shown once to the browser that applied (the code is also sent by email)."""
    application = (
        Application.objects.select_related("call").filter(pk=request.session.get(RECENT_RECEIPT)).first()
    )
    if application is None:
        return redirect("talent:status")
    return render(request, "talent/applied.html", {"application": application})


# Who proved, with the tracking code and the email, that an application is theirs: {pk: [email, when]}.
PROVEN = "talent_proven"
PROOF_LASTS = dt.timedelta(minutes=30)


@limit_posts("talent-status", "TALENT_STATUS_RATE")
def status(request: HttpRequest) -> HttpResponse:
    """Tracking code and email together show an application; either alone shows nothing."""
    form = StatusLookupForm(request.POST or None)
    application = None
    if request.method == "POST" and form.is_valid():
        application = services.find_application(
            form.cleaned_data["tracking_code"], form.cleaned_data["email"]
        )
        if application is None:
            form.add_error(None, _("No application matches this tracking code and email."))
        else:
            # The withdrawal page asks again before it acts; this browser need not retype the code.
            proven = {
                key: value for key, value in request.session.get(PROVEN, {}).items() if _still_proven(value)
            }
            proven[str(application.pk)] = [application.email, timezone.now().timestamp()]
            request.session[PROVEN] = proven
    return render(
        request,
        "talent/status.html",
        {
            "form": form,
            "application": application,
            "rounds": _rounds_reached(application),
            "certificates": _certificates_of(application),
        },
    )


def _rounds_reached(application: Application | None) -> list:
    """The competition rounds the applicant took part in, once each round's results are decided (never
    scores still being given): read through the reverse relation, since talent knows nothing of the
    competitions built on its calls. Empty where no competition app is installed."""
    if application is None or not hasattr(application, "contest_entries"):
        return []
    return list(
        application.contest_entries.filter(round__status="decided")
        .select_related("round__next_round")
        .order_by("round__stage", "round_id")
    )


def proven_email(request: HttpRequest, application_id: int) -> str | None:
    """The email with which this browser proved, in the last half hour, that the application is theirs
    (the status page's lookup); None otherwise. Pages an applicant reaches from the status page (the
    withdrawal, their certificates) ask this instead of the tracking code again."""
    proof = request.session.get(PROVEN, {}).get(str(application_id))
    return proof[0] if _still_proven(proof) else None


def _certificates_of(application: Application | None) -> list:
    """The certificates issued to the applicant (a round's place, or selection on the call), read through
    the reverse relation like the rounds; each carries the address of its download for the applicant."""
    if application is None or not hasattr(application, "certificates"):
        return []
    return list(application.certificates.select_related("round").order_by("issued_at", "pk"))


def _still_proven(proof: object) -> bool:
    return (
        isinstance(proof, list)
        and len(proof) == 2
        and isinstance(proof[1], int | float)
        and timezone.now().timestamp() - proof[1] < PROOF_LASTS.total_seconds()
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A second step, without JavaScript: GET asks "are you sure?", only POST withdraws.

    Withdrawing could not be undone and took one click on the status page; now the status page links
    here, and this page works only in the browser that just looked the application up.
    """
    email = proven_email(request, pk)
    application = None
    if email is not None:
        application = Application.objects.select_related("call").filter(pk=pk, email=email).first()
    if application is None:
        messages.info(request, _("Enter your tracking code and email first; then you can withdraw."))
        return redirect("talent:status")
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.withdraw(application, email)
        except (services.InvalidMoveError, PermissionDenied) as error:
            errors = refusal_messages(error)
        else:
            messages.success(request, _("Your application is withdrawn."))
            return redirect("talent:withdraw", pk=pk)
    return render(
        request,
        "talent/withdraw.html",
        {
            "application": application,
            "errors": errors,
            "can_withdraw": application.status in services.UNDECIDED,
        },
    )


# Jury ----------------------------------------------------------------------------------------------


@login_required
def jury_queue(request: HttpRequest) -> HttpResponse:
    """Only the applications assigned to me, without the ones where I declared a conflict."""
    assignments = (
        Assignment.objects.filter(juror=request.user, conflict_declared_at__isnull=True)
        .exclude(application__status=Application.Status.WITHDRAWN)
        .exclude(application__call__status=TalentCall.Status.FINISHED)
        .select_related("application__call", "application__discipline", "application__zone")
        # Still to score first on every database (PostgreSQL sorts NULL last by default).
        .order_by(
            F("scored_at").asc(nulls_first=True), "application__call__closes_at", "application__submitted_at"
        )
    )
    if not assignments.exists() and not permissions.is_juror(request.user):
        raise PermissionDenied(_("You are not on any jury."))
    return render(request, "talent/jury_queue.html", {"assignments": assignments})


def _my_assignment(request: HttpRequest, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.filter(juror=request.user, application_id=pk, conflict_declared_at__isnull=True)
        .select_related("application__call", "application__discipline", "application__zone")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


@login_required
def jury_application(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _my_assignment(request, pk)
    application = assignment.application
    criteria = list(application.call.criteria.all())
    mine = {score.criterion_id: score.value for score in Score.objects.filter(assignment=assignment)}
    form = ScoreForm(request.POST or None, criteria=criteria, initial_scores=mine)
    if request.method == "POST" and form.is_valid():
        try:
            services.score(request.user, assignment, form.values())
        except (services.InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("talent:jury")
    return render(
        request,
        "talent/jury_application.html",
        {
            "assignment": assignment,
            "application": application,
            "form": form,
            "conflict_form": ConflictForm(),
            "files": PortfolioFile.objects.filter(application=application),
        },
    )


@login_required
@require_POST
def jury_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _my_assignment(request, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        services.declare_conflict(request.user, assignment, form.cleaned_data["note"])
        messages.success(
            request, _("Noted. The application has left your queue and your scores do not count.")
        )
        return redirect("talent:jury")
    messages.error(request, _("Say briefly what the conflict of interest is."))
    return redirect("talent:jury-application", pk=pk)


@login_required
def portfolio_download(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = get_object_or_404(
        PortfolioFile.objects.filter(application__in=Application.objects.visible_to(request.user)), pk=pk
    )
    return files.download(portfolio.file, portfolio.original_name)


# Deputies and the network --------------------------------------------------------------------------


@login_required
def zone_calls(request: HttpRequest) -> HttpResponse:
    """The open calls my zone is eligible for, and how many applications came from my zone."""
    scope = scope_of(request.user)
    calls = _public_calls().exclude(status=TalentCall.Status.FINISHED)
    if scope.zone_id is not None:
        calls = calls.eligible_for_zone(scope.zone_id).annotate(
            from_my_zone=Count("applications", filter=Q(applications__zone_id=scope.zone_id))
        )
    calls = calls.annotate(total=Count("applications", distinct=True)).order_by("closes_at")
    return render(
        request,
        "talent/zone_calls.html",
        {
            "calls": calls,
            "zone": Zone.objects.filter(pk=scope.zone_id).first(),
            "public_url": reverse("talent:calls"),
        },
    )


@login_required
def network(request: HttpRequest) -> HttpResponse:
    """The artist network, by discipline and zone."""
    if not permissions.may_browse_network(request.user):
        raise PermissionDenied(
            _("The artist network is open to the secretariat, the zones and partner institutions.")
        )
    artists = Artist.objects.visible_to(request.user)
    zone = request.GET.get("zone", "")
    discipline = request.GET.get("discipline", "")
    if zone:
        artists = artists.filter(zone__slug=zone)
    if discipline:
        artists = artists.filter(disciplines__slug=discipline)
    artists = artists.select_related("zone", "application__call").prefetch_related("disciplines").distinct()
    rows = [(artist, permissions.can_see_artist_contact(request.user, artist)) for artist in artists]
    return render(
        request,
        "talent/network.html",
        {
            "rows": rows,
            "zones": Zone.objects.visible_to(request.user),
            "disciplines": Discipline.objects.filter(is_active=True),
            "selected_zone": zone,
            "selected_discipline": discipline,
        },
    )
