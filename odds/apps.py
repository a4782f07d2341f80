from django.apps import AppConfig


class OddsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "odds"
