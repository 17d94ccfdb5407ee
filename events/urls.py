from django.urls import path

from events import feed_views, views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar.ics", feed_views.feed_all, name="feed"),
    path("calendar/<slug:slug>.ics", feed_views.feed_zone, name="zone-feed"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/submit/", views.event_submit, name="submit"),
    path("<int:pk>/decide/<slug:move>/", views.event_decide, name="decide"),
    path("<int:pk>/repeats/", views.event_repeats, name="repeats"),
    path("<int:pk>/next-edition/", views.event_next_edition, name="next-edition"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("conflicts/", views.conflict_check, name="conflicts"),
    path("<int:pk>/invitation/", views.invitation_answer, name="invitation"),
    path("<int:pk>/report/", views.report_file, name="report"),
    path("<int:pk>/report/figures/", views.report_figures, name="report-figures"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment-remove"),
]
