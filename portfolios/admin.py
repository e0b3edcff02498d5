from django.contrib import admin

from .models import (
    Comment,
    CommentRevision,
    Evidence,
    EvidenceEvent,
    EvidenceFile,
    EvidenceVersion,
    FeasibilityEvent,
    SignOffEvent,
)


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


class CommentRevisionInline(admin.TabularInline):
    model = CommentRevision
    fields = ["number", "text", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    """A reactie is kept as it was said: an edit is a new CommentRevision, shown below."""

    list_display = ["evidence", "author_name", "author_role", "created_at"]
    list_filter = ["author_role"]
    list_select_related = ["evidence"]
    search_fields = ["author_name", "evidence__title"]
    inlines = [CommentRevisionInline]


@admin.register(CommentRevision)
class CommentRevisionAdmin(ReadOnlyAdmin):
    list_display = ["comment__evidence", "comment__author_name", "number", "created_at"]
    list_select_related = ["comment__evidence"]
