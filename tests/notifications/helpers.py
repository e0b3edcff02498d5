"""Point this test process's Celery app at a broker of the test's choosing."""

import contextlib

KEYS = ("broker_url", "broker_read_url", "broker_write_url", "task_always_eager")


def _reset_pools(app) -> None:
    # The app caches its connection and producer pools; they still point at the old broker.
    # (Not closed: kombu keeps them in a global registry and hands them out again.)
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def use_broker(url: str):
    from config.celery import app

    previous = {key: app.conf[key] for key in KEYS}
    app.conf.update(
        broker_url=url, broker_read_url=url, broker_write_url=url, task_always_eager=False
    )
    _reset_pools(app)
    try:
        yield app
    finally:
        app.conf.update(previous)
        _reset_pools(app)
