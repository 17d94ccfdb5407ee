"""django-otp's middleware, asked only when someone needs the answer."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest
from django_otp.middleware import OTPMiddleware


class LazyOTPMiddleware(OTPMiddleware):
    """Gives ``request.user`` django-otp's ``is_verified()``, but looks the session's device up only
    when it is first called.

    django-otp's own middleware loads the device as soon as the user is, on every page of a verified
    session; only the admin asks, so the dashboard's pages keep their query counts. Its rules (the
    device must exist, be confirmed and belong to this person; a stale id leaves the session) are
    django-otp's, run unchanged on that first call.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        user.is_verified = functools.partial(self._is_verified_on_demand, request, user)
        return user

    def _is_verified_on_demand(self, request: HttpRequest, user: Any) -> bool:
        if not hasattr(user, "otp_device"):  # django_otp.login() may have set it in this request
            super()._verify_user_sync(request, user)
        return user.otp_device is not None
