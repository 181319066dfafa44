from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Dispute cases"
    default_auto_field = "django.db.models.BigAutoField"
