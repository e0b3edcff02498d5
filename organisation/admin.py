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
    # Not <select>s: a large school has tens of thousands of students and hundreds of klassen.
    autocomplete_fields = ["student", "cohort"]
    search_fields = [
        "student__username",
        "student__first_name",
        "student__last_name",
        "qualification__crebo",
    ]

    def get_queryset(self, request):
        # The label of each row ("student – kwalificatie"), also in the BPV-periode's
        # autocomplete, without two queries a row.
        return super().get_queryset(request).select_related("student", "qualification")

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
    # Typed with suggestions, not a list of every docent (a large ROC has a thousand).
    autocomplete_fields = ["mentors"]


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

    def get_queryset(self, request):
        # Each label names the person and the leerbedrijf (also in the BPV-periode's
        # autocomplete).
        return super().get_queryset(request).select_related("user", "leerbedrijf")


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
    # The enrolment too: as a <select> it listed every enrolment of the school (at 10 000
    # students a 946 KB page that took 21 s to build).
    autocomplete_fields = ["enrolment", "leerbedrijf", "praktijkopleider"]
    date_hierarchy = "starts_on"


@admin.register(AssessorAssignment)
class AssessorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["assessor", "cohort"]
    list_select_related = ["assessor", "cohort"]
    # Searched, not filtered by a list of every klas (hundreds in a large school).
    search_fields = ["cohort__name", "assessor__username", "assessor__last_name"]
    autocomplete_fields = ["assessor", "cohort"]


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
