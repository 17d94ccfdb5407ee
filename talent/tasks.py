from celery import shared_task
from django.conf import settings

from talent.models import Application
from zones_portal.mail import send_templated_mail


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),  # SMTP and network errors: try again later
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
)
def send_application_receipt(application_id: int) -> None:
    """The applicant's receipt with their tracking code, in the language they applied in."""
    application = (
        Application.objects.select_related("call", "discipline", "zone").filter(pk=application_id).first()
    )
    if application is None:
        return
    send_templated_mail(
        [application.email],
        "talent/receipt",
        {"application": application, "portal_url": settings.PORTAL_URL},
        application.language,
    )
