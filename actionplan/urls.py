"""URLs of the actionplan app."""

app_name = "plan"
urlpatterns: list = []
