"""Pages: a live round on stage. The running order (the round's runner), the chair's desk, the judge's
phone page and the projector's display. Thin: read input, call ``contests.services.live``, render.

The phone page and the desk work as plain forms without scripts; with scripts they follow the stage by
polling small JSON answers validated by the round's version counter (an ETag), and the judge's page
sends its score with ``fetch`` (the page's CSRF token in ``X-CSRFToken``), keeping what was typed in
the phone's storage until the server has it.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contests import permissions
from contests.models import Entry, Round, Turn
from contests.services import NOT_IN_COMPETITIONS, ROUND_LIFECYCLE, RUN_BY_OTHERS
from contests.services import live as services
from zones_portal.dates import latin_digits
from zones_portal.forms import refusal_messages, show_refusal
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.widgets import readers_number

# How long a built display answer is kept per version: long enough for every projector and phone to
# be served the same bytes, short enough that a change made outside the services (the admin) shows.
DISPLAY_BODY_SECONDS = 30
DISPLAY_KEY_LENGTH = 64


def _live_round_or_404(request: HttpRequest, pk: int) -> Round:
    return get_object_or_404(Round.objects.visible_to(request.user).filter(mode=Round.Mode.LIVE), pk=pk)


def _conducting(request: HttpRequest, pk: int) -> Round:
    round_ = _live_round_or_404(request, pk)
    if not services.can_conduct(request.user, round_):
        raise PermissionDenied(_("Only the panel's chair, or whoever runs the round, uses the desk."))
    return round_


def _running(request: HttpRequest, pk: int) -> Round:
    round_ = _live_round_or_404(request, pk)
    if not permissions.can_run_round(request.user, round_):
        raise PermissionDenied(RUN_BY_OTHERS)
    return round_


def _etag(*parts: object) -> str:
    return '"' + "-".join(str(part) for part in parts) + '"'


def _not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    return None


def _json(data: Any, etag: str | None = None, status: int = 200) -> HttpResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    if etag:
        response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


# --- the way in -----------------------------------------------------------------------------------------


@login_required
def live_rounds(request: HttpRequest) -> HttpResponse:
    """The live rounds the person judges, chairs or runs, with the page each of them needs. Someone
    with no part in competitions is refused as on the rounds' list."""
    if not permissions.takes_part_in_contests(request.user):
        raise PermissionDenied(NOT_IN_COMPETITIONS)
    rows = []
    for round_ in services.rounds_on_stage_for(request.user).select_related("zone", "call"):
        seat = permissions.judge_seat(request.user, round_)
        rows.append(
            {
                "round": round_,
                "judges": seat is not None,
                "conducts": services.can_conduct(request.user, round_),
                "runs": permissions.can_run_round(request.user, round_),
            }
        )
    return render(request, "contests/live/rounds.html", {"rows": rows})


# --- the runner: running order and scoring ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def running_order(request: HttpRequest, pk: int) -> HttpResponse:
    """The waiting contestants' order: typed positions (any digits), or one of the ready-made orders."""
    round_ = _running(request, pk)
    if round_.status in (Round.Status.DRAFT, Round.Status.SCORING):
        services.ensure_turns(round_)
    entries = list(
        round_.entries.select_related("application__zone", "turn", "came_from").order_by(
            "running_order", "number"
        )
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            rule = request.POST.get("rule", "")
            if rule:
                services.order_running(request.user, round_, rule)
            else:
                services.set_running_order(request.user, round_, _typed_order(request, entries))
        except (ValidationError, PermissionDenied) as error:
            errors = refusal_messages(error)
        else:
            messages.success(request, _("The running order is saved."))
            return redirect("contests:live-order", pk=round_.pk)
    return render(
        request,
        "contests/live/order.html",
        {
            "round": round_,
            "entries": entries,
            "errors": errors,
            "can_open": ROUND_LIFECYCLE.allows("open_scoring", request.user, round_),
            "posted": request.POST if request.method == "POST" else {},
        },
    )


def _typed_order(request: HttpRequest, entries: list[Entry]) -> list[int]:
    """The waiting entries sorted by the positions typed beside them (ties keep the current order)."""
    waiting = [e for e in entries if getattr(e, "turn", None) and e.turn.status == Turn.Status.WAITING]
    typed = []
    for index, entry in enumerate(waiting):
        text = latin_digits(request.POST.get(f"position_{entry.pk}", "").strip())
        if not text.isdigit():
            raise ValidationError(
                _("Give contestant %(number)s a place in the order, as a whole number.")
                % {"number": readers_number(str(entry.number))}
            )
        typed.append((int(text), index, entry.pk))
    return [pk for _position, _index, pk in sorted(typed)]


@login_required
@require_POST
def open_scoring(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _running(request, pk)
    try:
        services.open_live_scoring(request.user, round_)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
        return redirect("contests:live-order", pk=round_.pk)
    messages.success(request, _("Scoring is open: the chair can call the first contestant to the stage."))
    return redirect("contests:live-desk", pk=round_.pk)


@login_required
@require_POST
def close_scoring(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _running(request, pk)
    try:
        services.close_live_scoring(request.user, round_)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Scoring of this round is closed."))
    return redirect("contests:live-desk", pk=round_.pk)


# --- the chair's desk -----------------------------------------------------------------------------------


@login_required
def desk(request: HttpRequest, pk: int) -> HttpResponse:
    """The turn on stage, who of the panel has scored it (names and a tick; the values once it has
    closed), and the buttons to call the next contestant and close the turn."""
    round_ = _conducting(request, pk)
    state = services.desk(round_)
    return render(
        request,
        "contests/live/desk.html",
        {
            "round": round_,
            "desk": state,
            "runs": permissions.can_run_round(request.user, round_),
            "can_close_scoring": ROUND_LIFECYCLE.allows("close_scoring", request.user, round_),
            "can_open_scoring": ROUND_LIFECYCLE.allows("open_scoring", request.user, round_),
            "version": services.version_of(round_) or "",
        },
    )


@login_required
@require_GET
def desk_version(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk's script asks every two seconds whether anything changed; it reloads its live part when
    the answer is not a 304."""
    round_ = _conducting(request, pk)
    version = services.version_of(round_)
    etag = _etag("desk", version)
    return _not_modified(request, etag) or _json({"version": version}, etag)


@login_required
@require_POST
def turn_open(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _conducting(request, pk)
    entry = None
    entry_id = latin_digits(request.POST.get("entry", "").strip())
    if entry_id:
        entry = get_object_or_404(round_.entries, pk=int(entry_id)) if entry_id.isdigit() else None
        if entry is None:
            raise Http404
    try:
        turn = services.open_turn(request.user, round_, entry)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("Contestant %(number)s is on stage; the panel's phones show them now.")
            % {"number": readers_number(str(turn.entry.number))},
        )
    return redirect("contests:live-desk", pk=round_.pk)


def _turn_of(request: HttpRequest, pk: int, turn_pk: int) -> tuple[Round, Turn]:
    round_ = _conducting(request, pk)
    turn = get_object_or_404(Turn.objects.select_related("entry__round"), pk=turn_pk, entry__round=round_)
    return round_, turn


@login_required
@require_POST
def turn_close(request: HttpRequest, pk: int, turn_pk: int) -> HttpResponse:
    round_, turn = _turn_of(request, pk, turn_pk)
    try:
        turn = services.close_turn(request.user, turn)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The turn is closed; the display shows the result."))
    return redirect("contests:live-desk", pk=round_.pk)


@login_required
@require_POST
def turn_reopen(request: HttpRequest, pk: int, turn_pk: int) -> HttpResponse:
    round_, turn = _turn_of(request, pk, turn_pk)
    try:
        services.reopen_turn(request.user, turn, request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The turn is open again; its result is cleared until it closes."))
    return redirect("contests:live-desk", pk=round_.pk)


# --- the judge's phone ------------------------------------------------------------------------------------


def _seat_or_403(request: HttpRequest, round_: Round):
    seat = permissions.judge_seat(request.user, round_)
    if seat is None:
        raise PermissionDenied(_("Only the members of this round's panel score it."))
    return seat


@login_required
@require_http_methods(["GET", "POST"])
def judge(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone page. Without scripts the form posts here and the page answers with a message; with
    them, the script sends to ``judge_score`` and follows the stage through ``judge_state``."""
    round_ = _live_round_or_404(request, pk)
    seat = _seat_or_403(request, round_)
    criteria = list(round_.criteria.all())
    errors: dict[str, list[str]] = {}
    refusals: list[str] = []
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = request.POST.dict()
        turn = _posted_turn(round_, request.POST.get("turn", ""))
        try:
            if turn is None:
                raise InvalidMoveError(
                    _("This contestant is not on stage; wait for the chair to open their turn.")
                )
            sent = services.submit_score(
                request.user, turn, request.POST, request.POST.get("request_key", "")
            )
        except services.AlreadyScoredError as error:
            messages.info(request, error.messages[0])
            return redirect("contests:live-judge", pk=round_.pk)
        except PermissionDenied as error:
            refusals = [str(error)]
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors = error.message_dict
            else:
                refusals = error.messages
        else:
            messages.success(
                request,
                _("Thank you: your score for contestant %(number)s is saved. %(received)s")
                % {
                    "number": readers_number(str(turn.entry.number)),
                    "received": services.received_sentence(sent.score),
                },
            )
            return redirect("contests:live-judge", pk=round_.pk)
    state = services.judge_state(round_, seat)
    rows = [
        {
            "criterion": criterion,
            "name": f"criterion_{criterion.pk}",
            "value": posted.get(f"criterion_{criterion.pk}", ""),
            "errors": errors.get(f"criterion_{criterion.pk}", []),
        }
        for criterion in criteria
    ]
    return render(
        request,
        "contests/live/judge.html",
        {
            "round": round_,
            "seat": seat,
            "state": state,
            "rows": rows,
            "refusals": refusals,
            "request_key": posted.get("request_key") or uuid.uuid4(),
        },
    )


def _posted_turn(round_: Round, text: str) -> Turn | None:
    text = latin_digits(str(text).strip())
    if not text.isdigit():
        return None
    return Turn.objects.select_related("entry__round").filter(pk=int(text), entry__round=round_).first()


@login_required
@require_GET
def judge_state(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _live_round_or_404(request, pk)
    seat = _seat_or_403(request, round_)
    etag = _etag("judge", services.version_of(round_), seat.pk, get_language())
    return _not_modified(request, etag) or _json(services.judge_state(round_, seat), etag)


@require_POST
def judge_score(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone's sending, as JSON: ``{"turn": id, "request_key": uuid, "values": {criterion_id: v}}``.
    200 with the time it was received (the same answer for a re-sending), 409 when the turn has closed or
    the judge already sent a different score, 400 with per-criterion errors, 403 for a non-judge."""
    if not request.user.is_authenticated:
        return _json({"ok": False, "message": _("Sign in again to send your score.")}, status=403)
    round_ = _live_round_or_404(request, pk)
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict) or not isinstance(body.get("values"), dict):
            raise ValueError
    except ValueError:
        return _json({"ok": False, "message": _("The score could not be read; send it again.")}, status=400)
    turn = _posted_turn(round_, str(body.get("turn", "")))
    try:
        if turn is None:
            raise InvalidMoveError(
                _("This contestant is not on stage; wait for the chair to open their turn.")
            )
        sent = services.submit_score(request.user, turn, body["values"], body.get("request_key", ""))
    except (ValidationError, PermissionDenied) as error:
        return _score_refused(error)
    return _json(
        {
            "ok": True,
            "turn": turn.pk,
            "received": services.received_sentence(sent.score),
            "received_at": sent.score.submitted_at.isoformat(),
        }
    )


# --- the display ----------------------------------------------------------------------------------------


def _score_refused(error: ValidationError | PermissionDenied) -> HttpResponse:
    """A sending the server did not save, with the sentence the phone shows (and whether to stop)."""
    if isinstance(error, services.AlreadyScoredError):
        return _json(
            {
                "ok": False,
                "already": True,
                "message": error.messages[0],
                "received": services.received_sentence(error.score),
            },
            status=409,
        )
    if isinstance(error, PermissionDenied):
        return _json({"ok": False, "message": str(error)}, status=403)
    if isinstance(error, InvalidMoveError):
        return _json({"ok": False, "closed": True, "message": error.messages[0]}, status=409)
    fields = error.message_dict if hasattr(error, "error_dict") else {}
    return _json({"ok": False, "errors": fields, "message": " ".join(error.messages)}, status=400)


def _display_round_or_404(key: str) -> Round:
    return get_object_or_404(Round.objects.select_related("zone"), display_key=key, mode=Round.Mode.LIVE)


def display(request: HttpRequest, key: str) -> HttpResponse:
    """The projector's page: no sign-in, behind the round's unguessable key."""
    if len(key) > DISPLAY_KEY_LENGTH:
        raise Http404
    round_ = _display_round_or_404(key)
    state = services.display_state(round_)
    return render(request, "contests/live/display.html", {"round": round_, "state": state, "key": key})


def display_state(request: HttpRequest, key: str) -> HttpResponse:
    """Polled every second by each display. A matching ETag is answered from the counter alone (no
    database), and a changed state is built once per version and language and kept for every display."""
    if len(key) > DISPLAY_KEY_LENGTH:
        raise Http404
    language = get_language()
    known = services.known_version(key)
    if known is not None:
        etag = _etag(known, language)
        unchanged = _not_modified(request, etag)
        if unchanged is not None:
            return unchanged
        kept = _recall(key, known, language)
        if kept is not None:
            return _display_answer(kept, etag)
    round_ = _display_round_or_404(key)
    version = services.version_of(round_)  # read before the rows, so it never names newer rows
    body = json.dumps(
        {"version": version, **services.display_state(round_)}, ensure_ascii=False, separators=(",", ":")
    )
    if version is None:
        return _display_answer(body, None)
    _keep(key, version, language, body)
    return _display_answer(body, _etag(version, language))


def _body_key(key: str, version: int, language: str) -> str:
    return f"live-display:{key}:{version}:{language}"


def _recall(key: str, version: int, language: str) -> str | None:
    try:
        return cache.get(_body_key(key, version, language))
    except Exception:  # noqa: BLE001 - the cache is a help, never a failure
        return None


def _keep(key: str, version: int, language: str, body: str) -> None:
    with contextlib.suppress(Exception):  # the cache is a help, never a failure
        cache.set(_body_key(key, version, language), body, DISPLAY_BODY_SECONDS)


def _display_answer(body: str, etag: str | None) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    if etag:
        response["ETag"] = etag
    patch_cache_control(response, no_cache=True)
    return response


urlpatterns = [
    path("live/", live_rounds, name="live-rounds"),
    path("live/<int:pk>/", desk, name="live-desk"),
    path("live/<int:pk>/version.json", desk_version, name="live-desk-version"),
    path("live/<int:pk>/order/", running_order, name="live-order"),
    path("live/<int:pk>/open-scoring/", open_scoring, name="live-open-scoring"),
    path("live/<int:pk>/close-scoring/", close_scoring, name="live-close-scoring"),
    path("live/<int:pk>/turns/open/", turn_open, name="live-turn-open"),
    path("live/<int:pk>/turns/<int:turn_pk>/close/", turn_close, name="live-turn-close"),
    path("live/<int:pk>/turns/<int:turn_pk>/reopen/", turn_reopen, name="live-turn-reopen"),
    path("live/<int:pk>/judge/", judge, name="live-judge"),
    path("live/<int:pk>/judge/state.json", judge_state, name="live-judge-state"),
    path("live/<int:pk>/judge/score/", judge_score, name="live-judge-score"),
    path("live/display/<str:key>/", display, name="live-display"),
    path("live/display/<str:key>/state.json", display_state, name="live-display-state"),
]
