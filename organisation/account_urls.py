"""Signing in and out, passwords, and school sign-in, under /accounts/.

Django's own views and URL names (login, password_reset, password_change, ...), without a
namespace because Django's views and templates reverse them by these names. The school
sign-in URLs exist only when it is configured (BEKWAAM_OIDC_ENABLED).
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from config.forms import LoginForm

from .forms import PasswordResetRequestForm
from .passwords import PasswordChangeForm
from .sso import LogoutView, SchoolCallbackView, SchoolSignInView

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm,
            extra_context={"sso_enabled": settings.BEKWAAM_OIDC_ENABLED},
        ),
        name="login",
    ),
    # Django's LogoutView, which also logs out at the school after a school sign-in.
    path("logout/", LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetRequestForm),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

if settings.BEKWAAM_OIDC_ENABLED:
    urlpatterns += [
        path("school/", SchoolSignInView.as_view(), name="oidc_authentication_init"),
        path("school/callback/", SchoolCallbackView.as_view(), name="oidc_authentication_callback"),
    ]
