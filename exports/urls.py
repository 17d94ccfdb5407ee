"""The export register's pages (mounted at /exports/): the dashboard, the deals and the businesses."""

from exports import dashboard_views, views

app_name = "exports"

urlpatterns = [*dashboard_views.urlpatterns, *views.urlpatterns]
