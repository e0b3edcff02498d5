from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    BpvPeriode,
    Cohort,
    Enrolment,
    Evidence,
    EvidenceEvent,
    EvidenceFile,
    EvidenceVersion,
    FeasibilityEvent,
    Leerbedrijf,
    Praktijkopleider,
    School,
    SignOffEvent,
    User,
)


@admin.register(User)
class BekwaamUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = (*UserAdmin.fieldsets, (_("Bekwaam"), {"fields": ("role",)}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("Bekwaam"), {"fields": ("role",)}))


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["student", "qualification", "started_on", "ended_on"]
    list_select_related = ["student", "qualification"]
    autocomplete_fields = ["student"]
    search_fields = ["student__username", "qualification__crebo"]


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence and its history change only through the services: the admin may look, and a
    sign-off or review is never edited or deleted, not even by a beheerder."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["title", "enrolment", "werkproces", "date"]
    list_select_related = ["enrolment__student", "enrolment__qualification", "werkproces"]
    search_fields = ["title", "enrolment__student__username"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_at"]


@admin.register(EvidenceVersion)
class EvidenceVersionAdmin(ReadOnlyAdmin):
    list_display = ["title", "number", "submitted_at"]


@admin.register(EvidenceEvent)
class EvidenceEventAdmin(ReadOnlyAdmin):
    list_display = ["evidence", "kind", "actor_name", "actor_role", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["evidence"]


@admin.register(SignOffEvent)
class SignOffEventAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "werkproces", "kind", "actor_name", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["enrolment__student", "enrolment__qualification", "werkproces"]


@admin.register(FeasibilityEvent)
class FeasibilityEventAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "werkproces", "leerbedrijf", "kind", "actor_name", "created_at"]
    list_filter = ["kind"]
    list_select_related = [
        "enrolment__student",
        "enrolment__qualification",
        "werkproces",
        "leerbedrijf",
    ]
