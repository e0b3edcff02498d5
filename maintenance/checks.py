"""System checks for running on more than one node."""

import os

from django.conf import settings
from django.core import checks

# Made into one node's var/ when unset: each node would have its own.
PER_NODE_SECRETS = {
    "DJANGO_SECRET_KEY": "sessions and CSRF tokens would not work from one node to the next",
    "BEKWAAM_BADGE_SIGNING_KEY": "each node would sign credentials with its own key",
}


@checks.register(checks.Tags.security, deploy=True)
def shared_secret_key(app_configs, **kwargs):
    """With a bucket the site is meant to run on several nodes; a key generated into one
    node's var/ would differ per node."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.endswith("FileSystemStorage"):
        return []
    return [
        checks.Warning(
            f"Files are in a bucket but {name} is not set: {why}.",
            hint=f"Set the same {name} on every web node and worker.",
            id="bekwaam.W001",
        )
        for name, why in PER_NODE_SECRETS.items()
        if not os.environ.get(name)
    ]
