from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "maintenance"
    verbose_name = "Onderhoud"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
