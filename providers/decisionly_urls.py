"""URLs of the decisionly dialect."""

app_name = "decisionly"
urlpatterns = []
