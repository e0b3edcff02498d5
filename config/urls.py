from django.contrib import admin
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from organisation import views as organisation_views
from portfolios import search


def healthz(request):
    # For load balancers and the compose healthcheck; reveals nothing.
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    # Browsers ask for /favicon.ico where no <link rel="icon"> names it (downloads, the admin).
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("", organisation_views.home, name="home"),
    path("zoeken/", search.search, name="search"),
    path("accounts/", include("organisation.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kwalificaties/", include("qualifications.urls")),
    path("", include("organisation.urls")),
    path("school/", include("organisation.console_urls")),
    path("school/beoordeling/", include("assessments.console_urls")),
    path("portfolio/", include("portfolios.urls")),
    path("klassen/", include("dashboards.urls")),
    path("rapporten/", include("reports.urls")),
    path("badges/", include("credentials.urls")),
    path("meldingen/", include("notifications.urls")),
    path("", include("assessments.urls")),
    path("beheer/", admin.site.urls),
]
