from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks for partners")

    def ready(self) -> None:
        # The domain's services announce their changes through the core's signals; only this app listens.
        from webhooks import receivers  # noqa: PLC0415 - models are loaded only once the registry is ready
        from zones_portal import signals  # noqa: PLC0415

        signals.status_changed.connect(receivers.on_status_changed, dispatch_uid="webhooks.status_changed")
        signals.invitation_answered.connect(
            receivers.on_invitation_answered, dispatch_uid="webhooks.invitation_answered"
        )
        signals.call_opened.connect(receivers.on_call_opened, dispatch_uid="webhooks.call_opened")
