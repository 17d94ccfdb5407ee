from django.urls import path

from scorecard import views

app_name = "scorecard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:slug>/", views.zone_trend, name="zone"),
]
