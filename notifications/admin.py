from django.contrib import admin

from .models import Notification, OutgoingMail


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["what", "recipient", "actor_name", "created_at", "read_at"]
    list_select_related = ["recipient"]
    search_fields = ["what", "recipient__username"]
    readonly_fields = [f.name for f in Notification._meta.fields]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    # Read-only: beheerders look here to see whether a mail went out, and why not.
    list_display = ["subject", "to", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]

    def has_add_permission(self, request):
        return False
