"""What the domain's services announce after a change that people outside the portal may be told of.

Sent inside the service's transaction, after the change is saved; a receiver that reaches outside (the
webhooks) defers its work with ``transaction.on_commit``, so a change rolled back tells nobody. The core
declares the signals and the services send them; no domain app knows who listens (docs/architecture.md).
"""

from django.dispatch import Signal

# Any lifecycle move (zones_portal.lifecycle): sender is the model; record, move (its name in the
# table), from_status, to_status, actor.
status_changed = Signal()

# A zone answered an invitation to an event: sender is Participation; participation, actor.
invitation_answered = Signal()

# A published talent call is open for applications (published with its opening passed, or its opening
# reached): sender is TalentCall; call.
call_opened = Signal()
