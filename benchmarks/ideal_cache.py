"""bench_load.py --ceiling: Bekwaam with its three student pages served from an ideal cache.

How far could caching rendered pages take the mixed load? This module answers it by measuring
the best case instead of guessing: the student's own portfolio, werkproces page and
new-bewijsstuk form (93 % of the mixed load's requests) are rendered once per page and then
served from the cache for ever. Nothing invalidates it, so it is NOT correct (it would show
a stale sign-off) and exists only here, in a benchmark. What every request still does is
what any correct cache would still have to do: the middleware (session, user, CSRF, the
bell), the access check (get_enrolment_for_user, so an outsider still gets 404), one query
standing for the version a correct cache must read to know the page has not changed, a
cache read, and the page around the cached content (base.html: the per-person account menu,
CSRF tokens, messages). A hit is the page the view renders, byte for byte apart from
whitespace, CSRF tokens and the form's one-time token, which a real cache would have to put
in fresh and this one serves again (checked once by hand at stop 23; an outsider still got
404). The other pages of the mix (inbox, lists, klas dashboard) run as in the app.

BENCH_IDEAL_CACHE=page goes one step further: the whole response is kept per session and
address (and unread count, for the bell), so a hit skips base.html as well; what remains is
the middleware, the access check, the version query and the cache read. A correct cache of
that kind would also have to keep CSRF tokens, messages and the language right per request.

Importing this module puts the cache in front of the views. bench_load.py runs it in
gunicorn through ideal_cache_wsgi.py, bench_instructions.py --ceiling imports it in the
counted process (BENCH_IDEAL_CACHE=content or page); the app and its tests never import it.
"""

import os
import re

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.utils.safestring import mark_safe  # noqa: E402

import portfolios.views  # noqa: E402
from notifications.selectors import unread_count  # noqa: E402
from organisation.models import Enrolment  # noqa: E402
from organisation.permissions import get_enrolment_for_user, is_owner  # noqa: E402

WHOLE_PAGE = os.environ.get("BENCH_IDEAL_CACHE") == "page"

TITLE = re.compile(r"<title>(.*?) · Bekwaam</title>", re.S)
MAIN = re.compile(r'<main id="main"[^>]*>(.*)</main>', re.S)
SHELL = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}'
    "{% block error_summary %}{% endblock %}{% block content %}{{ content }}{% endblock %}"
)


def ideal(view):
    def cached(request, enrolment_pk, *args, **kwargs):
        if request.method != "GET" or not request.user.is_authenticated:
            return view(request, enrolment_pk, *args, **kwargs)
        enrolment = get_enrolment_for_user(request.user, enrolment_pk)
        if not is_owner(request.user, enrolment):
            return view(request, enrolment_pk, *args, **kwargs)
        # Stands for reading the version of this student's pages.
        Enrolment.objects.filter(pk=enrolment.pk).values_list("pk").first()
        if WHOLE_PAGE:
            bell = unread_count(user=request.user)
            key = f"bench-ideal:{request.session.session_key}:{request.path}:{bell}"
        else:
            key = f"bench-ideal:{request.user.pk}:{request.path}"
        hit = cache.get(key)
        if hit is None:
            response = view(request, enrolment_pk, *args, **kwargs)
            if response.status_code == 200:
                html = response.content.decode()
                if WHOLE_PAGE:
                    cache.set(key, html, None)
                else:
                    cache.set(key, (TITLE.search(html)[1], MAIN.search(html)[1]), None)
            return response
        if WHOLE_PAGE:
            return HttpResponse(hit)
        title, content = hit
        context = {"title": mark_safe(title), "content": mark_safe(content)}  # noqa: S308
        return HttpResponse(SHELL.render(context, request))

    return cached


# Before the first request imports the URLconf, which takes the views from portfolios.views.
for name in ("portfolio_detail", "werkproces_detail", "evidence_create"):
    setattr(portfolios.views, name, ideal(getattr(portfolios.views, name)))
