"""URLs of the tutelar dialect."""

app_name = "tutelar"
urlpatterns = []
