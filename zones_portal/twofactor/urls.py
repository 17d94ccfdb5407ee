from django.urls import path

from zones_portal.twofactor import views

app_name = "twofactor"

urlpatterns = [
    path("login/code/", views.code, name="code"),
    path("two-step/", views.overview, name="overview"),
    path("two-step/set-up/", views.setup, name="setup"),
    path("two-step/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("two-step/recovery-codes.txt", views.recovery_codes_file, name="recovery-codes-file"),
    path("two-step/recovery-codes/renew/", views.renew, name="renew"),
    path("two-step/turn-off/", views.turn_off, name="turn-off"),
]
