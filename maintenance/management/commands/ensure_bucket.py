"""manage.py ensure_bucket: create the configured S3 bucket when it does not exist yet."""

from django.core.management.base import BaseCommand

from config.storage import ensure_bucket, on_local_disk


class Command(BaseCommand):
    help = "Create AWS_STORAGE_BUCKET_NAME on the S3 endpoint if it is missing (no-op on disk)."

    def handle(self, *args, **options):
        if on_local_disk():
            self.stdout.write("Files are on local disk; no bucket to make.")
        elif ensure_bucket():
            self.stdout.write("Bucket created.")
        else:
            self.stdout.write("Bucket exists.")
