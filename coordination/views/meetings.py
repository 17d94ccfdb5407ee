"""The meetings pages of the coordination desk. Thin: read input, call a service, render.

Everyone who sees a meeting (the secretariat, its invited zones and institutions) reads it here; the
secretariat schedules, changes, holds and cancels meetings and orders their agendas, after the same
two-step sign-in the administration asks for (``admin_gate``); an invitee proposes agenda items and
answers its invitation.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coordination import feeds, permissions
from coordination.forms.meetings import (
    AgendaProposalForm,
    InvitationAnswerForm,
    MeetingForm,
    ReasonForm,
)
from coordination.history import meeting_timeline
from coordination.models import AgendaItem, Invitee, Meeting, Side
from coordination.services import MANAGED_BY_THE_SECRETARIAT, MEETING_LIFECYCLE
from coordination.services import meetings as services
from coordination.views.minutes import minutes_context
from zones_portal.dates import latin_digits
from zones_portal.forms import add_service_errors, show_refusal
from zones_portal.history import timeline_for
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.permissions import scope_of
from zones_portal.twofactor.views import admin_gate
from zones_portal.views import paginate

PAGE_SIZE = 20  # meetings per page
Status = Meeting.Status


def _visible(request: HttpRequest) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(request.user)


def _meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(_visible(request), pk=pk)


def _secretariat_only(request: HttpRequest) -> HttpResponse | None:
    """Refuses everyone but the secretariat; sends a secretariat officer whose session was not confirmed
    with a code to confirm it first. None: go on."""
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied(MANAGED_BY_THE_SECRETARIAT)
    return admin_gate(request)


def _my_answer(request: HttpRequest) -> Subquery | None:
    scope = scope_of(request.user)
    if scope.zone_id is not None:
        mine = Q(kind=Side.ZONE, zone_id=scope.zone_id)
    elif scope.institution_id is not None:
        mine = Q(kind=Side.INSTITUTION, institution_id=scope.institution_id)
    else:
        return None
    return Subquery(Invitee.objects.filter(mine, meeting_id=OuterRef("pk")).values("answer")[:1])


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings the person sees: those to come, soonest first, then the past and cancelled ones,
    latest first, a page at a time."""
    now = timezone.now()
    upcoming = Q(status=Status.SCHEDULED, ends_at__gte=now)
    meetings = (
        _visible(request)
        .defer("notes", "minutes_summary", "cancellation_reason")
        .annotate(
            invitee_count=Count("invitees", distinct=True),
            tier=Case(When(upcoming, then=0), default=1),
            upcoming_start=Case(When(upcoming, then=F("starts_at"))),
        )
        .order_by("tier", F("upcoming_start").asc(nulls_last=True), "-starts_at", "-pk")
    )
    answer = _my_answer(request)
    if answer is not None:
        meetings = meetings.annotate(my_answer=answer)
    page = paginate(request, meetings, PAGE_SIZE)
    answers = dict(Invitee.Answer.choices)
    for meeting in page.rows:
        meeting.upcoming = meeting.tier == 0
        meeting.my_answer_label = answers.get(getattr(meeting, "my_answer", None) or "", "")
    feed_url = request.build_absolute_uri(
        reverse("coordination:meetings-feed", args=[feeds.feed_token(request.user)])
    )
    return render(
        request,
        "coordination/meetings/meeting_list.html",
        {
            "meetings": page,
            "can_schedule": permissions.can_manage_meetings(request.user),
            "feed_url": feed_url,
            "tab": "meetings",
        },
    )


def _detail_context(request: HttpRequest, meeting: Meeting) -> dict[str, object]:
    user = request.user
    now = timezone.now()
    invitees = list(meeting.invitees.select_related("zone", "institution"))
    scope = scope_of(user)
    my_invitee = next(
        (
            i
            for i in invitees
            if (scope.zone_id is not None and i.kind == Side.ZONE and i.zone_id == scope.zone_id)
            or (
                scope.institution_id is not None
                and i.kind == Side.INSTITUTION
                and i.institution_id == scope.institution_id
            )
        ),
        None,
    )
    items = list(
        AgendaItem.objects.visible_to(user).filter(meeting=meeting).select_related("zone", "institution")
    )
    for item in items:
        item.mine = item.kind != Side.SECRETARIAT and permissions.acts_for(user, item)
    agenda = sorted(
        (item for item in items if item.status == AgendaItem.Status.ACCEPTED),
        key=lambda item: (item.position or 0, item.proposed_at, item.pk),
    )
    proposals = [item for item in items if item.status != AgendaItem.Status.ACCEPTED]
    can_manage = permissions.can_manage_meetings(user)
    scheduled = meeting.status == Status.SCHEDULED
    return {
        "meeting": meeting,
        "tab": "meetings",
        "invitees": invitees,
        "my_invitee": my_invitee,
        "agenda": agenda,
        "proposals": proposals,
        "can_manage": can_manage,
        "can_edit": can_manage and scheduled,
        "can_order": can_manage and scheduled,
        "can_hold": MEETING_LIFECYCLE.allows("hold", user, meeting) and now >= meeting.starts_at,
        "can_cancel": MEETING_LIFECYCLE.allows("cancel", user, meeting),
        "can_propose": (can_manage and scheduled) or (my_invitee is not None and meeting.agenda_open),
        "can_withdraw": scheduled and (can_manage or now < meeting.agenda_cutoff),
        "can_answer": my_invitee is not None and scheduled and now < meeting.starts_at,
        "proposal_form": AgendaProposalForm(),
        "answer_form": InvitationAnswerForm(initial=InvitationAnswerForm.initial_from(my_invitee))
        if my_invitee
        else None,
        "timeline": timeline_for(request, *meeting_timeline(meeting, user)),
        "minutes": minutes_context(request, meeting),
    }


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(_visible(request).select_related("created_by"), pk=pk)
    return render(request, "coordination/meetings/meeting_detail.html", _detail_context(request, meeting))


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    gate = _secretariat_only(request)
    if gate is not None:
        return gate
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for_new())
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The meeting %(reference)s is scheduled; the invited zones and institutions can see it.")
                % {"reference": meeting.reference_display},
            )
            return redirect("coordination:meeting", pk=meeting.pk)
    return render(
        request, "coordination/meetings/meeting_form.html", {"form": form, "meeting": None, "tab": "meetings"}
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    gate = _secretariat_only(request)
    if gate is not None:
        return gate
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_from(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(request.user, meeting, **form.service_arguments())
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("coordination:meeting", pk=meeting.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("coordination:meeting", pk=meeting.pk)
    return render(
        request,
        "coordination/meetings/meeting_form.html",
        {"form": form, "meeting": meeting, "tab": "meetings"},
    )


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """A GET (or a reason left out) shows the question on a page of its own, with what was typed kept."""
    meeting = _meeting_or_404(request, pk)
    gate = _secretariat_only(request)
    if gate is not None:
        return gate
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.cancel_meeting(request.user, meeting, form.cleaned_data["reason"])
        except InvalidMoveError as error:
            show_refusal(request, error)
            return redirect("coordination:meeting", pk=meeting.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is cancelled."))
            return redirect("coordination:meeting", pk=meeting.pk)
    return render(
        request,
        "coordination/meetings/cancel_form.html",
        {"form": form, "meeting": meeting, "tab": "meetings"},
    )


@login_required
@require_POST
def meeting_hold(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    gate = _secretariat_only(request)
    if gate is not None:
        return gate
    try:
        services.hold_meeting(request.user, meeting)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The meeting is recorded as held; its minutes can now be written."))
    return redirect("coordination:meeting", pk=meeting.pk)


@login_required
def agenda_propose(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    if permissions.can_manage_meetings(request.user):
        gate = admin_gate(request)
        if gate is not None:
            return gate
    elif permissions.invitee_of(request.user, meeting) is None:
        raise PermissionDenied(services.NOT_INVITED)
    form = AgendaProposalForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            item = services.propose_agenda_item(request.user, meeting, **form.cleaned_data)
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("coordination:meeting", pk=meeting.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if item.status == AgendaItem.Status.ACCEPTED:
                messages.success(request, _("The item is added at the end of the agenda."))
            else:
                messages.success(
                    request, _("Your proposal is sent; the secretariat decides what goes on the agenda.")
                )
            return redirect(reverse("coordination:meeting", args=[meeting.pk]) + "#agenda")
    return render(
        request,
        "coordination/meetings/agenda_form.html",
        {"form": form, "meeting": meeting, "tab": "meetings"},
    )


@login_required
@require_POST
def agenda_item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem.objects.visible_to(request.user).select_related("meeting"), pk=pk)
    gate = admin_gate(request)  # the secretariat taking its own item off confirms with a code first
    if gate is not None:
        return gate
    try:
        services.withdraw_agenda_item(request.user, item)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The item is withdrawn."))
    return redirect(reverse("coordination:meeting", args=[item.meeting_id]) + "#agenda")


def _number(text: str) -> int | None:
    text = latin_digits((text or "").strip())
    return int(text) if text.isascii() and text.isdecimal() and len(text) <= 4 else None


@login_required
@require_POST
def agenda_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat accepts (at a place, or at the end), declines (saying why) or orders the agenda:
    ``action`` is ``accept``, ``decline`` or ``reorder``; for ``reorder`` each accepted item's new place
    comes as ``position-<id>``, and items given the same place keep their present order."""
    meeting = _meeting_or_404(request, pk)
    gate = _secretariat_only(request)
    if gate is not None:
        return gate
    action = request.POST.get("action", "")
    back = redirect(reverse("coordination:meeting", args=[meeting.pk]) + "#agenda")
    try:
        if action == "reorder":
            places = []
            for index, item in enumerate(
                meeting.agenda_items.filter(status=AgendaItem.Status.ACCEPTED).order_by("position", "pk")
            ):
                given = _number(request.POST.get(f"position-{item.pk}", ""))
                places.append((given if given is not None else index + 1, index, item.pk))
            services.reorder_agenda(request.user, meeting, [pk for _place, _index, pk in sorted(places)])
            messages.success(request, _("The agenda is reordered."))
            return back
        if action not in ("accept", "decline"):
            raise Http404
        item = get_object_or_404(meeting.agenda_items, pk=_number(request.POST.get("item", "")) or 0)
        if action == "accept":
            services.accept_agenda_item(request.user, item, _number(request.POST.get("position", "")))
            messages.success(request, _("The item is on the agenda."))
        else:
            services.decline_agenda_item(request.user, item, request.POST.get("reason", ""))
            messages.success(request, _("The item is left off the agenda; whoever proposed it can see why."))
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    return back


@login_required
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    invitee = permissions.invitee_of(request.user, meeting)
    if invitee is None:
        raise Http404
    form = InvitationAnswerForm(
        request.POST if request.method == "POST" else None, initial=InvitationAnswerForm.initial_from(invitee)
    )
    if form.is_bound and form.is_valid():
        try:
            services.answer_invitation(request.user, invitee, **form.cleaned_data)
        except (InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("coordination:meeting", pk=meeting.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer is recorded; the secretariat can see it."))
            return redirect("coordination:meeting", pk=meeting.pk)
    return render(
        request,
        "coordination/meetings/invitation_form.html",
        {"form": form, "meeting": meeting, "invitee": invitee, "tab": "meetings"},
    )


PK_MARK = 987654321  # stands for a meeting's id in its page's address, reversed once per feed


@require_safe
def meetings_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The meetings a person sees, for a calendar app to poll without signing in: the address is the
    person's own (``coordination.feeds``). A token that is not one is a 404. Answers carry an ETag and
    Last-Modified; an unchanged feed is answered with 304 before anything is built."""
    user = feeds.user_from_token(token)
    if user is None:
        raise Http404
    meetings = feeds.meetings_for(user)
    link = request.build_absolute_uri(reverse("coordination:meeting", args=[PK_MARK]))
    name = _("Council meetings")
    etag, changed = feeds.etag(meetings, get_language(), link, name)
    headers = {"ETag": etag}
    if changed is not None:
        headers["Last-Modified"] = http_date(changed.timestamp())
    conditional = get_conditional_response(
        request, etag=etag, last_modified=int(changed.timestamp()) if changed else None
    )
    if conditional is not None:
        for header, value in headers.items():
            conditional[header] = value
        return conditional
    before, after = link.rsplit(str(PK_MARK), 1)
    content = feeds.build_calendar(feeds.rows(meetings), name, lambda pk: f"{before}{pk}{after}")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8", headers=headers)
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    response["Cache-Control"] = "private, no-cache"
    return response


urlpatterns = [
    path("meetings/", meeting_list, name="meetings"),
    path("meetings/new/", meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/hold/", meeting_hold, name="meeting-hold"),
    path("meetings/<int:pk>/agenda/propose/", agenda_propose, name="agenda-propose"),
    path("meetings/<int:pk>/agenda/decide/", agenda_decide, name="agenda-decide"),
    path("agenda-items/<int:pk>/withdraw/", agenda_item_withdraw, name="agenda-item-withdraw"),
    path("meetings/<int:pk>/invitation/", invitation_answer, name="invitation"),
    path("meetings/calendar/<str:token>.ics", meetings_feed, name="meetings-feed"),
]
