from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Dutch unless the user chose another language with the switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show an
    English UI to every student whose phone happens to be set to English; schools expect the
    dossier's own language by default.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


class RefuseNulMiddleware:
    """Answer 400 to a request with a NUL character in its path, query or form fields.

    No person types one, PostgreSQL cannot store one in text (psycopg raises, a 500), and a
    path with one can never name a werkproces: refusing it here, once, keeps every view and
    form from having to know.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        post = request.POST if request.method == "POST" else {}
        if (
            "\x00" in request.path
            or _has_nul(k + v for k, values in request.GET.lists() for v in values)
            or (post and _has_nul(k + v for k, values in post.lists() for v in values))
            or (post and _has_nul(f.name or "" for _k, fs in request.FILES.lists() for f in fs))
        ):
            return HttpResponseBadRequest(
                _(
                    "Je verzoek bevat een ongeldig teken (NUL). Controleer wat je hebt "
                    "ingevuld en probeer het opnieuw."
                ),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
