from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import RedirectView

from config.forms import LoginForm


def healthz(request):
    # For load balancers and the compose healthcheck; reveals nothing.
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", RedirectView.as_view(pattern_name="qualifications:list", permanent=False)),
    path(
        "accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
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
