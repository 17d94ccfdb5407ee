"""The search page: what the person may see of every searchable kind, grouped by kind, best first.

Thin: read the query, ask each kind (``search.kinds``), render. Each kind costs one query whatever the
number of records (its first hits and its total together), so the page's cost does not grow with the
portal's data."""

from __future__ import annotations

import dataclasses

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from search.forms import SearchForm
from search.kinds import BY_SLUG, KINDS, Kind
from zones_portal.search import matching, search_terms
from zones_portal.views import paginate

PER_KIND = 5  # hits shown per kind on the grouped page; "see all" opens the kind on its own
PAGE_SIZE = 25  # hits per page of one kind


@login_required
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    context: dict[str, object] = {"form": form, "query": "", "groups": [], "kind": None, "page": None}
    if not form.is_valid():
        return render(request, "search/results.html", context, status=400)
    query = form.cleaned_data["q"].strip()
    context["query"] = query
    context["searchable"] = bool(search_terms(query))
    if not context["searchable"]:
        return render(request, "search/results.html", context)
    kind = BY_SLUG.get(form.cleaned_data["kind"] or "")
    if kind is not None:
        return _one_kind(request, kind, query, context)
    groups = []
    for each in KINDS:
        found = each.found(request.user, query)
        if found is None:
            continue
        rows = list(found[:PER_KIND])
        total = rows[0].search_total if rows else 0
        if total:
            groups.append(
                {
                    "kind": each,
                    "hits": [each.hit(row) for row in rows],
                    "total": total,
                    "more": total > len(rows),
                }
            )
    context["groups"] = groups
    return render(request, "search/results.html", context)


def _one_kind(request: HttpRequest, kind: Kind, query: str, context: dict[str, object]) -> HttpResponse:
    """Every hit of one kind, a page at a time: where a group's "see all" leads."""
    rows = kind.searchable(request.user)
    if rows is None:  # not a kind this person searches: as if it held nothing
        page = paginate(request, [], PAGE_SIZE)
    else:
        page = paginate(request, matching(rows, query), PAGE_SIZE)
        page = dataclasses.replace(page, rows=[kind.hit(row) for row in page.rows])
    context.update(kind=kind, page=page)
    return render(request, "search/results.html", context)
