from django.contrib import admin

from .models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "enrolment", "cohort", "requested_by", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = [
        "enrolment__student",
        "enrolment__qualification",
        "cohort",
        "requested_by",
    ]
    readonly_fields = [f.name for f in ReportJob._meta.fields]
