from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import RedirectView


def healthz(request):
    # For load balancers and the compose healthcheck; reveals nothing.
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", RedirectView.as_view(pattern_name="qualifications:list", permanent=False)),
    path("accounts/", include("organisation.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kwalificaties/", include("qualifications.urls")),
    path("", include("organisation.urls")),
    path("portfolio/", include("portfolios.urls")),
    path("klassen/", include("dashboards.urls")),
    path("rapporten/", include("reports.urls")),
    path("badges/", include("credentials.urls")),
    path("meldingen/", include("notifications.urls")),
    path("", include("assessments.urls")),
    path("beheer/", admin.site.urls),
]
