"""URLs of the survey pages (/surveys/): rounds, imports and analyses."""

app_name = "surveys"
urlpatterns: list = []
