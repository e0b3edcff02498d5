from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationsConfig(AppConfig):
    name = "qualifications"
    verbose_name = _("Kwalificaties")

    def ready(self):
        # Every write to the dossier tree empties the cached trees (tree_cache.py).
        from . import tree_cache

        tree_cache.connect()
