from django.contrib import admin

from .models import (
    AssessmentPolicy,
    CrucialCriterion,
    FinalScore,
    RatingLevel,
    RatingScale,
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
    inlines = [FinalScoreInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
