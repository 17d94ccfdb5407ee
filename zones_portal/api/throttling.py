from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class TokenRateThrottle(SimpleRateThrottle):
    """A rate per API key (``API_RATE``); a browser session counts per user. With the cache unreachable
    every request is let through (and logged): the API keeps answering while Redis is away."""

    scope = "token"

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("API throttle not applied: the cache did not answer.", exc_info=True)
            return True

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.auth is not None and hasattr(request.auth, "pk"):
            return self.key_of_token(request.auth.pk)
        if request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    @classmethod
    def key_of_token(cls, token_id: int) -> str:
        return cls.cache_format % {"scope": cls.scope, "ident": f"key:{token_id}"}

    def allow_counted(self, key: str, history: list[float]) -> bool:
        """``allow_request`` for a key whose history was read already: ``zones_portal.api.fastpath``
        reads it in the same round trip as the answer it may give. Counts the request when allowed."""
        self.key = key
        self.history = list(history)
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()
