from django.urls import path

from scorecard import plan_views, series_views, views

app_name = "scorecard"

urlpatterns = [
    path("", views.overview, name="overview"),
    # Before the zone's address, which would take "plan" for a zone's slug.
    path("plan/", plan_views.plan, name="plan"),
    path("plan/<slug:slug>/", plan_views.plan_zone, name="plan-zone"),
    path("series/<int:pk>/", series_views.series, name="series"),
    path("<slug:slug>/", views.zone_trend, name="zone"),
]
