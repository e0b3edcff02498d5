"""The outbox in the beheer console: how many mails wait, went out or were given up, which
ones were given up and why, and sending those again (after the mail server was away for
hours, or refused a start-of-year import's thousands of activation mails)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from notifications.models import OutgoingMail
from notifications.selectors import failed_mails, mail_queue_state
from notifications.sending import mails_retry_failed

from .console_common import beheerder_required, page_of


@require_GET
@beheerder_required
def mails(request):
    queue = mail_queue_state()
    return render(
        request,
        "organisation/console/mails.html",
        {
            "counts": [
                (OutgoingMail.Status(status).label, n, status) for status, n in queue.counts.items()
            ],
            "queue": queue,
            "page": page_of(request, failed_mails()),
            "retention_days": settings.BEKWAAM_MAIL_RETENTION_DAYS,
        },
    )


@require_POST
@beheerder_required
def mails_retry(request):
    retried = mails_retry_failed()
    if retried:
        messages.success(
            request,
            ngettext(
                "%(n)d e-mail staat weer in de wachtrij en wordt opnieuw verstuurd.",
                "%(n)d e-mails staan weer in de wachtrij en worden opnieuw verstuurd.",
                retried,
            )
            % {"n": retried},
        )
    else:
        messages.info(request, _("Er zijn geen mislukte e-mails."))
    return redirect("console:mails")
