from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisatie")

    def ready(self):
        # The browse pages of qualifications ask this app who may see which kwalificatie.
        from qualifications.permissions import register_visibility_rule

        from .permissions import visible_qualifications

        register_visibility_rule(visible_qualifications)
