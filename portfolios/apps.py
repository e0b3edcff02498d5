from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfoliosConfig(AppConfig):
    name = "portfolios"
    verbose_name = _("Portfolio's")

    def ready(self):
        # A BPV-periode holding a praktijkopleider's exam records is not deleted (organisation).
        from organisation.bpv_services import register_bpv_records

        from .bpv_records import bpv_records_span

        register_bpv_records(bpv_records_span)
