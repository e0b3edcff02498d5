"""The baseline of bench_load.py: a bare Django "hello" on the same gunicorn settings."""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-secret",  # noqa: S106 (a throwaway process on 127.0.0.1)
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
