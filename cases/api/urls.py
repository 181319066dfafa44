"""Native API URLs (/api/v1/...), the OpenAPI document (/api/schema) and Swagger UI (/api/docs)."""

app_name = "api"
urlpatterns = []
