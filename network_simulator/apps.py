from django.apps import AppConfig


class NetworkSimulatorConfig(AppConfig):
    name = "network_simulator"
    verbose_name = "Card-network simulator"
    default_auto_field = "django.db.models.BigAutoField"
