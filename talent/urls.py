from django.urls import path

from talent import views

app_name = "talent"

urlpatterns = [
    # Public, no account needed.
    path("calls/", views.call_list, name="calls"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/apply/", views.apply, name="apply"),
    path("calls/applied/", views.applied, name="applied"),
    path("calls/status/", views.status, name="status"),
    path("calls/status/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # Signed in.
    path("talent/", views.zone_calls, name="zone-calls"),
    path("talent/network/", views.network, name="network"),
    path("talent/jury/", views.jury_queue, name="jury"),
    path("talent/jury/applications/<int:pk>/", views.jury_application, name="jury-application"),
    path("talent/jury/applications/<int:pk>/conflict/", views.jury_conflict, name="jury-conflict"),
    path("talent/files/<int:pk>/", views.portfolio_download, name="file"),
]
