from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import models
from .services import dossier_is_locked


def _dossier_of(obj):
    if obj is None:
        return None
    if isinstance(obj, models.Dossier):
        return obj
    if isinstance(obj, models.Werkproces):
        return obj.kerntaak.dossier
    return obj.dossier


class FrozenWhenEnrolledMixin:
    """A dossier version with enrolled students is read-only, here as in the importer."""

    def has_change_permission(self, request, obj=None):
        dossier = _dossier_of(obj)
        if dossier is not None and dossier_is_locked(dossier):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        dossier = _dossier_of(obj)
        if dossier is not None and dossier_is_locked(dossier):
            return False
        return super().has_delete_permission(request, obj)


class FrozenInline(admin.TabularInline):
    extra = 0

    def has_change_permission(self, request, obj=None):
        dossier = _dossier_of(obj)
        return not (dossier and dossier_is_locked(dossier)) and super().has_change_permission(
            request, obj
        )

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class QualificationInline(FrozenInline):
    model = models.Qualification
    fields = ["code", "crebo", "title", "niveau", "position"]


class KerntaakInline(FrozenInline):
    model = models.Kerntaak
    fields = ["code", "title", "part", "qualification", "position"]
    show_change_link = True


class GeneriekOnderdeelInline(FrozenInline):
    model = models.GeneriekOnderdeel
    fields = ["position", "title", "min_niveau"]


@admin.register(models.Dossier)
class DossierAdmin(FrozenWhenEnrolledMixin, admin.ModelAdmin):
    list_display = ["title", "code", "version", "framework", "status", "valid_from", "locked"]
    list_filter = ["framework", "status"]
    search_fields = ["title", "code", "qualifications__crebo"]
    inlines = [QualificationInline, KerntaakInline, GeneriekOnderdeelInline]

    @admin.display(boolean=True, description=_("bevroren"))
    def locked(self, obj):
        return dossier_is_locked(obj)


class WerkprocesInline(FrozenInline):
    model = models.Werkproces
    fields = ["code", "title", "position"]
    show_change_link = True


class KnowledgeInline(FrozenInline):
    model = models.KnowledgeItem
    fields = ["position", "category", "text", "werkproces", "qualification"]


class TextAdditionInline(FrozenInline):
    model = models.TextAddition
    fields = ["position", "field", "werkproces", "qualification", "text"]


@admin.register(models.Kerntaak)
class KerntaakAdmin(FrozenWhenEnrolledMixin, admin.ModelAdmin):
    list_display = ["code", "title", "part", "dossier"]
    list_filter = ["part"]
    search_fields = ["code", "title", "dossier__code"]
    list_select_related = ["dossier"]
    inlines = [WerkprocesInline, KnowledgeInline, TextAdditionInline]


class CriterionInline(FrozenInline):
    model = models.Criterion
    fields = ["position", "text", "qualification", "skill_type"]


class CompetentieLinkInline(FrozenInline):
    model = models.WerkprocesCompetentie
    fields = ["position", "competentie", "qualification"]


@admin.register(models.Werkproces)
class WerkprocesAdmin(FrozenWhenEnrolledMixin, admin.ModelAdmin):
    list_display = ["code", "title", "kerntaak"]
    search_fields = ["code", "title"]
    list_select_related = ["kerntaak__dossier"]
    inlines = [CriterionInline, CompetentieLinkInline]


@admin.register(models.Competentie)
class CompetentieAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "sbb_nr"]
