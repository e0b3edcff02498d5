from django.core.management.base import BaseCommand

from notifications import sending


class Command(BaseCommand):
    help = (
        "Send the outbox's due e-mails in this process, without a broker or worker "
        "(for the embedded default, or by hand after an outage)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="also mails that are waiting for their next attempt (backoff)",
        )

    def handle(self, *args, **options):
        counts = sending.mail_send_due(include_waiting=options["all"])
        summary = ", ".join(f"{key}: {value}" for key, value in sorted(counts.items()))
        self.stdout.write(summary or "nothing to send")
