"""URLs of the mastercard dialect."""

app_name = "mastercard"
urlpatterns = []
