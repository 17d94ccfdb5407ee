"""The coordination desk's dashboard pages: each views module keeps its own routes."""

from coordination.views import circulars, meetings, minutes

app_name = "coordination"

urlpatterns = [*meetings.urlpatterns, *minutes.urlpatterns, *circulars.urlpatterns]
