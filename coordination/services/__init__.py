"""Every write at the coordination desk goes through this package, whoever makes it and from where.

The transition tables of its three stateful records are declared here, once (docs/architecture.md):
meetings (scheduled → held → minutes open for comment → minutes approved, or cancelled), action items
(open → done with evidence, missed when the due date passes, dropped with a reason, reopened by the
secretariat) and circulars (draft → sent → withdrawn). The functions live beside the work they do:
``meetings`` (scheduling, the agenda, answers), ``minutes`` (attendance, minutes, decisions, comments,
action items) and ``circulars`` (sending and acknowledging).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coordination import permissions
from coordination.models import (
    ActionItem,
    ActionItemStatusChange,
    Circular,
    CircularStatusChange,
    Meeting,
    MeetingStatusChange,
)
from zones_portal.lifecycle import Lifecycle, Move

MANAGED_BY_THE_SECRETARIAT = _("Only the secretariat schedules meetings and records their minutes.")

MEETING_LIFECYCLE = Lifecycle(
    Meeting,
    MeetingStatusChange,
    "meeting",
    {
        "hold": Move(
            sources=(Meeting.Status.SCHEDULED,),
            target=Meeting.Status.HELD,
            may=permissions.can_manage_meetings,
            not_allowed=MANAGED_BY_THE_SECRETARIAT,
            wrong_state=_("Only a scheduled meeting can be recorded as held."),
        ),
        "circulate": Move(
            sources=(Meeting.Status.HELD,),
            target=Meeting.Status.IN_COMMENT,
            may=permissions.can_manage_meetings,
            not_allowed=MANAGED_BY_THE_SECRETARIAT,
            wrong_state=_("Only the minutes of a held meeting can be circulated for comment."),
        ),
        "approve": Move(
            sources=(Meeting.Status.IN_COMMENT,),
            target=Meeting.Status.APPROVED,
            may=permissions.can_manage_meetings,
            not_allowed=MANAGED_BY_THE_SECRETARIAT,
            wrong_state=_("Minutes are approved after they have been circulated for comment."),
        ),
        "cancel": Move(
            sources=(Meeting.Status.SCHEDULED,),
            target=Meeting.Status.CANCELLED,
            may=permissions.can_manage_meetings,
            not_allowed=MANAGED_BY_THE_SECRETARIAT,
            wrong_state=_("Only a scheduled meeting can be cancelled."),
            reason_field="cancellation_reason",
            reason_required=_("Say why the meeting is cancelled; the invitees are told."),
        ),
    },
)

NOT_THE_OWNER = _(
    "Only the zone or institution that owes this action item, or the secretariat, may report on it."
)
ACTION_ITEM_LIFECYCLE = Lifecycle(
    ActionItem,
    ActionItemStatusChange,
    "action_item",
    {
        "complete": Move(
            sources=(ActionItem.Status.OPEN, ActionItem.Status.MISSED),
            target=ActionItem.Status.DONE,
            may=permissions.can_update_action_item,
            not_allowed=NOT_THE_OWNER,
            wrong_state=_("Only an open or missed action item can be marked done."),
        ),
        "miss": Move(
            sources=(ActionItem.Status.OPEN,),
            target=ActionItem.Status.MISSED,
            may=permissions.by_the_portal,
            not_allowed="",
            wrong_state=_("Only an open action item can be missed."),
        ),
        "drop": Move(
            sources=(ActionItem.Status.OPEN, ActionItem.Status.MISSED),
            target=ActionItem.Status.DROPPED,
            may=permissions.can_manage_meetings,
            not_allowed=_("Only the secretariat drops an action item."),
            wrong_state=_("Only an open or missed action item can be dropped."),
            reason_field="drop_reason",
            reason_required=_("Say why the action item is dropped."),
        ),
        "reopen": Move(
            sources=(ActionItem.Status.DONE, ActionItem.Status.MISSED, ActionItem.Status.DROPPED),
            target=ActionItem.Status.OPEN,
            may=permissions.can_manage_meetings,
            not_allowed=_("Only the secretariat reopens an action item."),
            wrong_state=_("This action item is already open."),
            reason_required=_("Say why the action item is reopened."),
        ),
    },
)

CIRCULAR_LIFECYCLE = Lifecycle(
    Circular,
    CircularStatusChange,
    "circular",
    {
        "send": Move(
            sources=(Circular.Status.DRAFT,),
            target=Circular.Status.SENT,
            may=permissions.can_manage_meetings,
            not_allowed=_("Only the secretariat sends circulars."),
            wrong_state=_("This circular has already been sent."),
        ),
        "withdraw": Move(
            sources=(Circular.Status.SENT,),
            target=Circular.Status.WITHDRAWN,
            may=permissions.can_manage_meetings,
            not_allowed=_("Only the secretariat withdraws a circular."),
            wrong_state=_("Only a sent circular can be withdrawn."),
            reason_field="withdrawal_reason",
            reason_required=_("Say why the circular is withdrawn; the zones are told."),
        ),
    },
)
