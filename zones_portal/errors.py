"""The server-error page.

Django's own 500 handler renders ``500.html`` with an empty context and no active
request, so the page would come out in the default language with no way to quote the
failed request. This one keeps the reader's language (LocaleMiddleware has set it by
then) and the request id the logs carry, and still avoids the context processors: the
database or the cache may be what failed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponseServerError:
    template = loader.get_template("500.html")
    body = template.render({"request_id": getattr(request, "request_id", "")})
    return HttpResponseServerError(body)
