from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AssessorAssignment,
    AuditEntry,
    BpvPeriode,
    Cohort,
    Enrolment,
    Leerbedrijf,
    Praktijkopleider,
    School,
    User,
)


@admin.register(User)
class BekwaamUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = (*UserAdmin.fieldsets, (_("Bekwaam"), {"fields": ("role", "sso_identifier")}))
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Bekwaam"), {"fields": ("role", "sso_identifier")}),
    )
    search_fields = [*UserAdmin.search_fields, "sso_identifier"]
    ordering = ["sort_name", "username"]

    def save_model(self, request, obj, form, change):
        # A rename in the admin keeps the Dutch sort order right (names.sort_key).
        obj.refresh_sort_name()
        super().save_model(request, obj, form, change)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["student", "qualification", "started_on", "ended_on"]
    list_select_related = ["student", "qualification"]
    autocomplete_fields = ["student"]
    search_fields = ["student__username", "qualification__crebo"]

    def get_readonly_fields(self, request, obj=None):
        # An enrolment never moves to another student (a database trigger refuses it too).
        return ["student", "qualification"] if obj is not None else []


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "brin"]
    search_fields = ["name", "brin"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "start_year", "school", "qualification"]
    list_filter = ["start_year", "school"]
    list_select_related = ["school", "qualification"]
    search_fields = ["name"]
    filter_horizontal = ["mentors"]


@admin.register(Leerbedrijf)
class LeerbedrijfAdmin(admin.ModelAdmin):
    list_display = ["name", "sbb_number"]
    search_fields = ["name", "sbb_number"]


@admin.register(Praktijkopleider)
class PraktijkopleiderAdmin(admin.ModelAdmin):
    list_display = ["user", "leerbedrijf", "phone"]
    list_select_related = ["user", "leerbedrijf"]
    autocomplete_fields = ["user", "leerbedrijf"]
    search_fields = ["user__username", "user__last_name", "leerbedrijf__name"]


@admin.register(BpvPeriode)
class BpvPeriodeAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "leerbedrijf", "praktijkopleider", "starts_on", "ends_on"]
    list_select_related = [
        "enrolment__student",
        "enrolment__qualification",
        "leerbedrijf",
        "praktijkopleider__user",
        "praktijkopleider__leerbedrijf",
    ]
    autocomplete_fields = ["leerbedrijf", "praktijkopleider"]
    date_hierarchy = "starts_on"


@admin.register(AssessorAssignment)
class AssessorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["assessor", "cohort"]
    list_filter = ["cohort"]
    raw_id_fields = ["assessor"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only (and filtered in the console at /school/)."""

    list_display = ["at", "kind", "username", "object_type", "object_id", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["username", "object_type", "object_id", "path"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
