"""URLs of the hubs app."""

app_name = "hubs"
urlpatterns: list = []
