from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("obligations/<int:pk>/report/", views.obligation_report, name="obligation-report"),
    path("obligations/<int:pk>/evidence/", views.evidence_download, name="evidence"),
    path(
        "obligations/<int:pk>/evidence/<int:version>/",
        views.evidence_version_download,
        name="evidence-version",
    ),
    path("documents/<int:pk>/", views.document_download, name="document"),
]
