"""A tiny call site for the outbox tests: a POST that notifies everyone named in it.

It stands for any event (a submission, a sign-off) that writes its rows and notifies in one
transaction; the real call sites are tested in their own modules.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as site_urlpatterns
from notifications import services


@require_POST
def notify_view(request):
    User = get_user_model()
    with transaction.atomic():
        for username in request.POST.getlist("to"):
            recipient = User.objects.get(username=username)
            title = request.POST.get("title", "")
            services.notify(
                recipient=recipient,
                what=f"Nieuw: {title}",
                link="/meldingen/",
                actor=request.user,
                dedup_key=f"test:{request.POST['event']}:user:{recipient.pk}",
                subject=f"Nieuw: {title}",
                body=f"Er is iets gebeurd met {title}.\n{services.absolute_url('/meldingen/')}",
            )
    return HttpResponse("Opgeslagen", status=201)


urlpatterns = [*site_urlpatterns, path("test-notify/", notify_view)]
