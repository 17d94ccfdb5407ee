from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class PagePagination(PageNumberPagination):
    """``page`` and ``page_size``, each a whole number from 1, given at most once: anything else is a 400
    naming the parameter, where DRF would quietly fall back to page 1 or 20 rows and leave a partner's
    client believing it got what it asked for. A ``page_size`` over 100 is read as 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # the schema promises whole numbers; "last" would be a second, undocumented kind

    def get_page_size(self, request: Request) -> int:
        size = _whole_number(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request: Request, paginator: Any) -> int:
        number = _whole_number(request, self.page_query_param)
        return 1 if number is None else number

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Rows per page, {self.page_size} unless given; more than {self.max_page_size} "
                    f"is read as {self.max_page_size}."
                )
        return parameters


def _whole_number(request: Request, name: str) -> int | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise ValidationError({name: [_("Give this parameter once.")]})
    value = values[0].strip()
    try:
        number = int(value) if value.isdecimal() else 0
    except ValueError:  # more digits than int() reads (4,300): past any page, and over any page size
        number = 10**12
    if number < 1:
        raise ValidationError({name: [_("Give a whole number from 1 up.")]})
    return number
