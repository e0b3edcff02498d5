from django.contrib import admin

from .models import Credential


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    """Issued badges are read-only: a correction of the result revokes them by itself."""

    list_display = ["uid", "enrolment", "werkproces", "school", "issued_at"]
    list_select_related = ["enrolment__student", "enrolment__qualification", "werkproces", "school"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
