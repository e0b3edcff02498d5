"""System checks for running on more than one node."""

import os

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def shared_secret_key(app_configs, **kwargs):
    """With a bucket the site is meant to run on several nodes; a secret key generated into
    one node's var/ would differ per node and log everyone out between them."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.endswith("FileSystemStorage") or os.environ.get("DJANGO_SECRET_KEY"):
        return []
    return [
        checks.Warning(
            "Files are in a bucket but DJANGO_SECRET_KEY is not set: every node would "
            "generate its own key.",
            hint="Set the same DJANGO_SECRET_KEY on every web node and worker.",
            id="bekwaam.W001",
        )
    ]
