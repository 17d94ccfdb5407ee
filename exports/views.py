"""The export register on the dashboard: a zone's staff keep their creative businesses and record their
export deals; the secretariat sees every zone's and may correct any. Thin: read input, call a service,
render. Partner institutions read the deals of their agreements and fairs through the API, not here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from exports import permissions, services
from exports.filters import ExportDealFilter
from exports.forms import BusinessForm, DealForm, keepers_events
from exports.models import CreativeBusiness, ExportDeal
from zones_portal.forms import add_service_errors, show_refusal
from zones_portal.models import Zone
from zones_portal.permissions import scope_of
from zones_portal.twofactor.views import admin_gate
from zones_portal.views import paginate
from zones_portal.widgets import grouped_number, readers_number

PAGE_SIZE = 25
REGISTER_ONLY = gettext_lazy(
    "The export register is kept by each zone's staff and the secretariat. Partner institutions read "
    "the deals of their agreements and fairs through the API."
)


def _keeper_or_refuse(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not (scope.secretariat or scope.zone_id is not None):
        raise PermissionDenied(REGISTER_ONLY)


def _gate(request: HttpRequest) -> HttpResponse | None:
    """A change made by the secretariat asks for the same two-step sign-in as the administration."""
    return admin_gate(request)


@login_required
def business_list(request: HttpRequest) -> HttpResponse:
    """The register: each business with its field, size, contact, and how many deals it has made."""
    _keeper_or_refuse(request)
    scope = scope_of(request.user)
    rows = CreativeBusiness.objects.visible_to(request.user).select_related("zone", "field")
    zone = None
    if scope.secretariat and request.GET.get("zone"):
        zone = get_object_or_404(Zone, slug=request.GET["zone"])
        rows = rows.filter(zone=zone)
    if request.GET.get("retired") != "1":
        rows = rows.filter(is_active=True)
    rows = rows.annotate(deals_count=Count("deals"), deals_value=Sum("deals__value_rial")).order_by(
        "zone__sort_order", "name"
    )
    page = paginate(request, rows, PAGE_SIZE)
    return render(
        request,
        "exports/business_list.html",
        {
            "page": page,
            "scope": scope,
            "zone": zone,
            "zones": Zone.objects.filter(is_active=True) if scope.secretariat else (),
            "show_retired": request.GET.get("retired") == "1",
        },
    )


def _business_or_404(request: HttpRequest, pk: int) -> CreativeBusiness:
    return get_object_or_404(CreativeBusiness.objects.visible_to(request.user).select_related("zone"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def business_create(request: HttpRequest) -> HttpResponse:
    _keeper_or_refuse(request)
    gate = _gate(request)
    if gate is not None:
        return gate
    form = BusinessForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        zone = form.cleaned_data.get("zone") or Zone.objects.get(pk=scope_of(request.user).zone_id)
        try:
            business = services.add_business(request.user, zone=zone, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The business is added to the register."))
            return redirect(f"{reverse('exports:businesses')}?zone={business.zone.slug}")
    return render(request, "exports/business_form.html", {"form": form, "business": None})


@login_required
@require_http_methods(["GET", "POST"])
def business_edit(request: HttpRequest, pk: int) -> HttpResponse:
    business = _business_or_404(request, pk)
    if not permissions.can_keep_register(request.user, business.zone_id):
        raise PermissionDenied(services.NOT_YOUR_ZONE)
    gate = _gate(request)
    if gate is not None:
        return gate
    form = BusinessForm(request.POST or None, user=request.user, business=business)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_business(request.user, business, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The business's details are saved."))
            return redirect("exports:businesses")
    return render(request, "exports/business_form.html", {"form": form, "business": business})


@login_required
@require_POST
def business_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retires a business (``active=0``) or brings it back (``active=1``)."""
    business = _business_or_404(request, pk)
    gate = _gate(request)
    if gate is not None:
        return gate
    active = request.POST.get("active") == "1"
    try:
        services.retire_business(request.user, business, active=active)
    except PermissionDenied as error:
        show_refusal(request, error)
    else:
        if active:
            messages.success(request, _("The business is back in the register."))
        else:
            messages.success(request, _("The business is retired; its deals stay in the sums."))
    return redirect("exports:business-edit", pk=business.pk)


def _deals(request: HttpRequest) -> QuerySet[ExportDeal]:
    return ExportDeal.objects.visible_to(request.user)


@login_required
def deal_list(request: HttpRequest) -> HttpResponse:
    """The deals, the latest first, filtered by zone, country, field, year, business, event, agreement."""
    _keeper_or_refuse(request)
    scope = scope_of(request.user)
    rows = _deals(request).select_related("zone", "business__field", "event", "agreement")
    filters = ExportDealFilter(request.GET or None, queryset=rows, request=request)
    if not scope.secretariat:
        del filters.form.fields["zone"]
    # Its label is hidden like the selects' (whose first option names them): the box says what it takes.
    year = filters.form.fields["year"]
    year.widget.attrs.update({"placeholder": year.label, "inputmode": "numeric"})
    rows = (
        filters.qs.order_by("-signed_on", "-pk") if filters.is_bound else rows.order_by("-signed_on", "-pk")
    )
    total = rows.aggregate(value=Sum("value_rial"), count=Count("pk"))
    page = paginate(request, rows, PAGE_SIZE, count=total["count"])
    for deal in page.rows:
        deal.shown_value = amount(deal.value)
    return render(
        request,
        "exports/deal_list.html",
        {"page": page, "filters": filters, "scope": scope, "total_rial": total["value"] or 0},
    )


def amount(value: Decimal) -> str:
    """A deal's value as people write money: its thousands grouped, in the reader's digits, and its
    cents only when it has any (a deal in rials or a round sum in dollars needs no ".00")."""
    shown = grouped_number(int(value))
    if value != int(value):
        shown += readers_number(f"{value:.2f}"[-3:])
    return shown


def _deal_or_404(request: HttpRequest, pk: int) -> ExportDeal:
    deal = get_object_or_404(_deals(request).select_related("business", "zone"), pk=pk)
    if not permissions.can_keep_register(request.user, deal.zone_id):
        raise PermissionDenied(services.NOT_YOUR_ZONE)
    return deal


@login_required
@require_http_methods(["GET", "POST"])
def deal_create(request: HttpRequest) -> HttpResponse:
    """A new deal; ``?event=<id>`` (the link on a fair's report) chooses the fair and its last day."""
    _keeper_or_refuse(request)
    gate = _gate(request)
    if gate is not None:
        return gate
    initial: dict[str, Any] = {"signed_on": timezone.localdate()}
    fair = None
    if request.GET.get("event", "").isdigit():
        fair = keepers_events(request.user).filter(pk=int(request.GET["event"])).first()
        if fair is not None:
            initial["event"] = fair.pk
            initial["signed_on"] = min(timezone.localdate(), timezone.localtime(fair.ends_at).date())
            if fair.agreement_id:
                initial["agreement"] = fair.agreement_id
    form = DealForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            deal = services.add_deal(request.user, **arguments)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The deal is recorded."))
            if deal.event_id:
                return redirect(f"{reverse('exports:deals')}?event={deal.event_id}")
            return redirect("exports:deals")
    context = {
        "form": form,
        "deal": None,
        "fair": fair,
        "has_businesses": form.fields["business"].queryset.exists(),
    }
    return render(request, "exports/deal_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal_or_404(request, pk)
    gate = _gate(request)
    if gate is not None:
        return gate
    form = DealForm(request.POST or None, user=request.user, deal=deal)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_deal(request.user, deal, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The deal is saved."))
            return redirect("exports:deals")
    context = {"form": form, "deal": deal, "fair": None, "has_businesses": True}
    return render(request, "exports/deal_form.html", context)


@login_required
@require_POST
def deal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal_or_404(request, pk)
    gate = _gate(request)
    if gate is not None:
        return gate
    services.delete_deal(request.user, deal)
    messages.success(request, _("The deal is removed from the register."))
    return redirect("exports:deals")


urlpatterns = [
    path("businesses/", business_list, name="businesses"),
    path("businesses/new/", business_create, name="business-create"),
    path("businesses/<int:pk>/", business_edit, name="business-edit"),
    path("businesses/<int:pk>/retire/", business_retire, name="business-retire"),
    path("deals/", deal_list, name="deals"),
    path("deals/new/", deal_create, name="deal-create"),
    path("deals/<int:pk>/", deal_edit, name="deal-edit"),
    path("deals/<int:pk>/delete/", deal_delete, name="deal-delete"),
]
