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

        # The audit log: sign-ins by signal, model changes with old and new values by
        # django-auditlog (in the console and the admin alike).
        from auditlog.registry import auditlog
        from axes.signals import user_locked_out
        from django.contrib.auth.models import Group
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import audit, models

        user_logged_in.connect(audit.on_logged_in, dispatch_uid="audit_login")
        user_logged_out.connect(audit.on_logged_out, dispatch_uid="audit_logout")
        user_login_failed.connect(audit.on_login_failed, dispatch_uid="audit_login_failed")
        user_locked_out.connect(audit.on_locked_out, dispatch_uid="audit_lockout")
        auditlog.register(
            models.User,
            exclude_fields=["password", "last_login"],
            m2m_fields={"groups", "user_permissions"},
        )
        auditlog.register(models.Cohort, m2m_fields={"mentors"})
        for model in (
            models.School,
            models.Enrolment,
            models.Leerbedrijf,
            models.Praktijkopleider,
            models.BpvPeriode,
            models.AssessorAssignment,
        ):
            auditlog.register(model)
        auditlog.register(Group, m2m_fields={"permissions"})
