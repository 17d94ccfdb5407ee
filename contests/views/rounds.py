"""Pages: rounds (setting them up, running them, scoring at one's own pace, deciding who goes on).

Thin: read input, call a service, render. A blind round's judges reach an entry by its number within
the round and its files by their place in the list ("File 1 (PDF)"), so nothing they see or download
carries the contestant's name.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.functional import Promise
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contests import permissions
from contests.exports import results_download
from contests.forms import JudgesForm, PreliminariesForm, ReasonForm, RoundForm
from contests.models import Entry, Judge, Round
from contests.services import NOT_IN_COMPETITIONS, ROUND_LIFECYCLE, RUN_BY_OTHERS
from contests.services import rounds as services
from talent.forms import ConflictForm, ScoreForm
from talent.models import PortfolioFile, TalentCall
from zones_portal import files
from zones_portal.forms import add_service_errors, show_refusal
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.permissions import is_secretariat, scope_of

REFUSALS = (InvalidMoveError, PermissionDenied, ValidationError)


def _round(request: HttpRequest, pk: int) -> Round:
    return get_object_or_404(
        Round.objects.visible_to(request.user).select_related("call", "zone", "next_round", "revealed_by"),
        pk=pk,
    )


def _runner_round(request: HttpRequest, pk: int) -> Round:
    round_ = _round(request, pk)
    if not permissions.can_run_round(request.user, round_):
        raise PermissionDenied(RUN_BY_OTHERS)
    return round_


# The list and setting up ---------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    """The rounds a person may see, by call; the rounds they judge; for the secretariat, the calls to set
    rounds up on."""
    scope = scope_of(request.user)
    seats = list(
        Judge.objects.filter(user=request.user)
        .exclude(round__status=Round.Status.DECIDED)
        .select_related("round__call")
        .order_by("round__scoring_closes_at", "round__held_at", "round_id")
    )
    if not (scope.secretariat or scope.zone_id is not None or seats):
        raise PermissionDenied(NOT_IN_COMPETITIONS)
    rounds = list(
        Round.objects.visible_to(request.user)
        .select_related("call", "zone", "next_round")
        .annotate(
            entry_count=Count("entries", filter=~Q(entries__status=Entry.Status.WITHDRAWN), distinct=True),
            judge_count=Count("judges", distinct=True),
        )
        .order_by("call__opens_at", "call_id", "stage", "zone__sort_order", "pk")
    )
    calls = []
    if scope.secretariat:
        # Calls open for setting rounds up, and every call that ran as a competition (for next year's).
        calls = list(
            TalentCall.objects.filter(
                Q(status=TalentCall.Status.PUBLISHED)
                | Q(status=TalentCall.Status.FINISHED, rounds__isnull=False)
            )
            .annotate(round_count=Count("rounds", distinct=True))
            .order_by("-opens_at")
            .distinct()
        )
    return render(
        request,
        "contests/rounds/round_list.html",
        {"rounds": rounds, "seats": seats, "calls": calls, "secretariat": scope.secretariat},
    )


@login_required
@require_POST
def next_edition(request: HttpRequest, call: int) -> HttpResponse:
    """Next year's edition of a competition with one press; the new call opens in the admin, a draft to
    check and publish."""
    if not is_secretariat(request.user):
        raise PermissionDenied(_("Only the secretariat sets up a competition's rounds."))
    talent_call = get_object_or_404(TalentCall.objects.filter(rounds__isnull=False).distinct(), pk=call)
    try:
        edition = services.propose_next_edition(request.user, talent_call)
    except InvalidMoveError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("contests:rounds")
    messages.success(
        request,
        _(
            "Next year's edition, “%(title)s”, is a draft with the same rounds, criteria and judges: check its dates and publish it."
        )
        % {"title": edition.title},
    )
    return redirect("admin:talent_talentcall_change", edition.pk)


@login_required
def preliminaries(request: HttpRequest, call: int) -> HttpResponse:
    """The zone preliminaries in one action."""
    if not is_secretariat(request.user):
        raise PermissionDenied(_("Only the secretariat sets up a competition's rounds."))
    talent_call = get_object_or_404(TalentCall.objects.published(), pk=call)
    form = PreliminariesForm(request.POST or None, call=talent_call)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.create_preliminaries(
                request.user,
                talent_call,
                data["zones"],
                scoring_opens_at=data["scoring_opens_at"],
                scoring_closes_at=data["scoring_closes_at"],
                advance_rule=data["advance_rule"],
                advance_count=data.get("advance_count"),
                advance_min_score=data.get("advance_min_score"),
                tie_break=data["tie_break"],
                blind=data["blind"],
                criteria_from=data.get("criteria_from"),
                next_round=data.get("next_round"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            show_refusal(request, error)
        else:
            messages.success(
                request, _("The preliminaries are ready: %(count)s zones.") % {"count": len(made)}
            )
            return redirect("contests:rounds")
    return render(
        request, "contests/rounds/round_form.html", {"form": form, "call": talent_call, "preliminaries": True}
    )


@login_required
def round_create(request: HttpRequest, call: int) -> HttpResponse:
    """A later round of the call: a joint round hosted by one zone."""
    if not is_secretariat(request.user):
        raise PermissionDenied(_("Only the secretariat sets up a competition's rounds."))
    talent_call = get_object_or_404(TalentCall.objects.published(), pk=call)
    form = RoundForm(request.POST or None, call=talent_call)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.create_round(request.user, talent_call, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The round is set up."))
            return redirect("contests:round", pk=round_.pk)
    return render(
        request,
        "contests/rounds/round_form.html",
        {"form": form, "call": talent_call, "preliminaries": False},
    )


# One round ----------------------------------------------------------------------------------------


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    runs = permissions.can_run_round(request.user, round_)
    seat = permissions.judge_seat(request.user, round_)
    context: dict[str, object] = {
        "round": round_,
        "runs": runs,
        "seat": seat,
        "criteria": list(round_.criteria.all()),
        "judges": list(round_.judges.select_related("user")),
        "can_reveal": round_.blind
        and round_.revealed_at is None
        and round_.status in (Round.Status.CLOSED, Round.Status.DECIDED)
        and permissions.can_reveal(request.user, round_),
        "moves": {
            **{
                name: ROUND_LIFECYCLE.allows(name, request.user, round_)
                for name in ("open_scoring", "close_scoring", "decide")
            },
            "reopen_scoring": services.may_reopen(request.user, round_),
        },
        "sees_identity": permissions.sees_identity(request.user, round_),
    }
    if runs:
        context["standings"] = services.rank_round(round_)
    elif round_.status == Round.Status.DECIDED:
        # The zone's people see how their own contestants did, once decided; a judge sees no names in a
        # round still blind.
        own = set(Entry.objects.visible_to(request.user).filter(round=round_).values_list("pk", flat=True))
        context["standings"] = [s for s in services.rank_round(round_) if s.entry.pk in own]
    return render(request, "contests/rounds/round_detail.html", context)


@login_required
def round_judges(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _runner_round(request, pk)
    seats = list(round_.judges.all())
    initial = {
        "judges": [s.user_id for s in seats],
        "chair": next((s.user_id for s in seats if s.is_chair), None),
    }
    form = JudgesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.name_judges(
                request.user, round_, form.cleaned_data["judges"], form.cleaned_data["chair"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The judges are seated."))
            return redirect("contests:round", pk=round_.pk)
    return render(request, "contests/rounds/round_judges.html", {"round": round_, "form": form})


@login_required
@require_POST
def round_enter(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _runner_round(request, pk)
    try:
        entered = services.enter_zone_applications(request.user, round_)
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("%(count)s contestants entered.") % {"count": len(entered)})
    return redirect("contests:round", pk=round_.pk)


def _move_view(service, done: Promise):
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        round_ = _round(request, pk)
        try:
            service(request.user, round_)
        except REFUSALS as error:
            show_refusal(request, error)
        else:
            messages.success(request, str(done))
        return redirect("contests:round", pk=round_.pk)

    return view


round_open = _move_view(services.open_scoring, gettext_lazy("Scoring is open."))
round_close = _move_view(services.close_scoring, gettext_lazy("Scoring is closed."))


@login_required
@require_POST
def round_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Decides the results; when some judge has not scored every entry, asks first and decides on the
    second press ("decide anyway")."""
    round_ = _round(request, pk)
    try:
        services.decide(request.user, round_, anyway=request.POST.get("anyway") == "1")
    except services.NotEveryoneScoredError as error:
        return render(
            request, "contests/rounds/round_decide.html", {"round": round_, "question": error.messages[0]}
        )
    except REFUSALS as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The results are decided."))
    return redirect("contests:round", pk=round_.pk)


round_reveal = _move_view(services.reveal, gettext_lazy("The contestants' names are revealed."))


@login_required
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _runner_round(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_scoring(request.user, round_, form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Scoring is open again."))
            return redirect("contests:round", pk=round_.pk)
    return render(request, "contests/rounds/round_reopen.html", {"round": round_, "form": form})


@login_required
def round_results(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    round_ = _runner_round(request, pk)
    if kind not in ("csv", "xlsx"):
        raise Http404
    return results_download(round_, kind, rtl=get_language_bidi())


# Judging at one's own pace -------------------------------------------------------------------------


def _seat(request: HttpRequest, pk: int) -> tuple[Round, Judge]:
    round_ = _round(request, pk)
    seat = permissions.judge_seat(request.user, round_)
    if seat is None:
        raise PermissionDenied(_("Only the judges of this round score its entries."))
    return round_, seat


def _my_entry(round_: Round, seat: Judge, number: int) -> Entry:
    entry = (
        Entry.objects.filter(round=round_, number=number)
        .exclude(status=Entry.Status.WITHDRAWN)
        .exclude(conflicts__judge=seat)
        .select_related("application__zone", "application__discipline")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@login_required
def judge_queue(request: HttpRequest, pk: int) -> HttpResponse:
    round_, seat = _seat(request, pk)
    scoring = round_.status == Round.Status.SCORING and round_.mode == Round.Mode.REVIEW
    entries = services.queue_for(seat) if scoring else []
    return render(
        request,
        "contests/rounds/judge_queue.html",
        {"round": round_, "entries": entries, "scoring": scoring, "criteria_count": round_.criteria.count()},
    )


def _file_rows(entry: Entry) -> list[tuple[int, PortfolioFile]]:
    return list(
        enumerate(PortfolioFile.objects.filter(application_id=entry.application_id).order_by("pk"), start=1)
    )


@login_required
def judge_entry(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    round_, seat = _seat(request, pk)
    if round_.status != Round.Status.SCORING or round_.mode != Round.Mode.REVIEW:
        messages.info(request, _("This round is not open for scoring."))
        return redirect("contests:judge-queue", pk=round_.pk)
    entry = _my_entry(round_, seat, number)
    criteria = list(round_.criteria.all())
    mine = {score.criterion_id: score.value for score in entry.review_scores.filter(judge=seat)}
    form = ScoreForm(request.POST or None, criteria=criteria, initial_scores=mine)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_entry(request.user, entry, form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("contests:judge-queue", pk=round_.pk)
    return render(
        request,
        "contests/rounds/judge_entry.html",
        {
            "round": round_,
            "entry": entry,
            "application": entry.application,
            "blind": not permissions.sees_identity(request.user, round_),
            # A link can carry a name or a zone (a channel, a personal site): none in a blind round.
            "hide_links": round_.hides_identity,
            "form": form,
            "conflict_form": ConflictForm(),
            "files": _file_rows(entry),
        },
    )


@login_required
@require_POST
def judge_conflict(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    round_, seat = _seat(request, pk)
    entry = _my_entry(round_, seat, number)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say briefly what the conflict of interest is."))
        return redirect("contests:judge-entry", pk=round_.pk, number=number)
    try:
        services.declare_conflict(request.user, entry, form.cleaned_data["note"])
    except REFUSALS as error:
        show_refusal(request, error)
        return redirect("contests:judge-queue", pk=round_.pk)
    messages.success(request, _("Noted. The entry has left your queue and your scores of it do not count."))
    return redirect("contests:judge-queue", pk=round_.pk)


@login_required
def entry_file(request: HttpRequest, pk: int, number: int, index: int) -> HttpResponse:
    """A portfolio file for the round's judges (no conflict with the entry) and its runners. Judges who
    may not see the contestant get it as "file-1.pdf", whatever name it was sent with."""
    round_ = _round(request, pk)
    runs = permissions.can_run_round(request.user, round_)
    seat = permissions.judge_seat(request.user, round_)
    if seat is not None and not runs:
        if round_.status == Round.Status.DRAFT:
            raise Http404
        entry = _my_entry(round_, seat, number)
    elif runs:
        entry = get_object_or_404(Entry, round=round_, number=number)
    else:
        raise PermissionDenied(_("Only the judges of this round score its entries."))
    rows = dict(_file_rows(entry))
    portfolio = rows.get(index)
    if portfolio is None:
        raise Http404
    label = portfolio.original_name if permissions.sees_identity(request.user, round_) else f"file-{index}"
    return files.download(portfolio.file, label)


urlpatterns = [
    path("", round_list, name="rounds"),
    path("calls/<int:call>/preliminaries/", preliminaries, name="preliminaries"),
    path("calls/<int:call>/next-edition/", next_edition, name="call-next-edition"),
    path("calls/<int:call>/rounds/new/", round_create, name="round-create"),
    path("rounds/<int:pk>/", round_detail, name="round"),
    path("rounds/<int:pk>/judges/", round_judges, name="round-judges"),
    path("rounds/<int:pk>/enter/", round_enter, name="round-enter"),
    path("rounds/<int:pk>/open/", round_open, name="round-open"),
    path("rounds/<int:pk>/close/", round_close, name="round-close"),
    path("rounds/<int:pk>/reopen/", round_reopen, name="round-reopen"),
    path("rounds/<int:pk>/decide/", round_decide, name="round-decide"),
    path("rounds/<int:pk>/reveal/", round_reveal, name="round-reveal"),
    path("rounds/<int:pk>/results.<str:kind>", round_results, name="round-results"),
    path("rounds/<int:pk>/judge/", judge_queue, name="judge-queue"),
    path("rounds/<int:pk>/judge/<int:number>/", judge_entry, name="judge-entry"),
    path("rounds/<int:pk>/judge/<int:number>/conflict/", judge_conflict, name="judge-conflict"),
    path("rounds/<int:pk>/entries/<int:number>/files/<int:index>/", entry_file, name="entry-file"),
]
