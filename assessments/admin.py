from django.contrib import admin

from .models import (
    AssessmentPolicy,
    Beoordeling,
    CrucialCriterion,
    FinalScore,
    RatingLevel,
    RatingScale,
    Submission,
    SubmittedScore,
    Vaststelling,
)


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    inlines = [RatingLevelInline]


@admin.register(AssessmentPolicy)
class AssessmentPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "scale", "four_eyes", "min_share_for_goed", "max_onvoldoende"]
    raw_id_fields = ["dossier", "kerntaak"]


@admin.register(CrucialCriterion)
class CrucialCriterionAdmin(admin.ModelAdmin):
    raw_id_fields = ["criterion"]
    list_display = ["criterion"]


class FinalScoreInline(admin.TabularInline):
    model = FinalScore
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in FinalScore._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Vaststelling)
class VaststellingAdmin(admin.ModelAdmin):
    """Read-only: results are recorded through the application, and never changed."""

    list_display = ["beoordeling", "number", "outcome", "recorded_by_name", "created_at"]
    list_select_related = [
        "beoordeling__enrolment__student",
        "beoordeling__enrolment__qualification",
    ]
    inlines = [FinalScoreInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Exam records are written by the application only, and never changed."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Beoordeling)
class BeoordelingAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "werkproces", "scale"]
    list_select_related = ["enrolment__student", "enrolment__qualification", "werkproces"]


class SubmittedScoreInline(admin.TabularInline):
    model = SubmittedScore
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    inlines = [SubmittedScoreInline]
