from contests.views import certificates, live, rounds

app_name = "contests"
urlpatterns = [*rounds.urlpatterns, *live.urlpatterns, *certificates.urlpatterns]
