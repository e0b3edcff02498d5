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


@checks.register(checks.Tags.database, deploy=True)
def replica_pins_are_shared(app_configs, **kwargs):
    """Who wrote a moment ago reads from the primary (config.replica); that is remembered in
    the cache, which only Redis shares between nodes."""
    if not settings.DATABASE_REPLICA_URL or settings.CACHE_URL:
        return []
    return [
        checks.Warning(
            "DATABASE_REPLICA_URL is set but CACHE_URL is not: after a write, a person's next "
            "page on another node or worker process may read the replica and not show it yet.",
            hint="Set CACHE_URL to the Redis every web node shares.",
            id="bekwaam.W002",
        )
    ]
