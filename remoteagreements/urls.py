"""URLs of the remoteagreements app."""

app_name = "agreements"
urlpatterns: list = []
