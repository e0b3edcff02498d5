from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Enrolment, User


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
