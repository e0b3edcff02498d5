from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Beoordelingen")

    def ready(self):
        # Changes to how exams are assessed are audited with old and new values.
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.AssessmentPolicy,
            models.CrucialCriterion,
            models.RatingScale,
            models.RatingLevel,
        ):
            auditlog.register(model)
