"""A Celery app for tests that need a moment to kill a worker mid-report: the same app as
config.celery, with WeasyPrint's render slowed by SLOW_RENDER_SECONDS once the worker starts.
Start it as `celery -A tests.reports.slow_worker worker`; production code knows nothing of it.
"""

import os
import time

from celery.signals import worker_init

from config.celery import app

__all__ = ["app"]


@worker_init.connect
def slow_down_rendering(**kwargs):
    from reports import rendering  # Django is set up only once the worker starts

    seconds = float(os.environ.get("SLOW_RENDER_SECONDS", "6"))
    render = rendering.html_to_pdf

    def slow_render(*args, **kwargs):
        time.sleep(seconds)  # the window in which the test kills this worker
        return render(*args, **kwargs)

    rendering.html_to_pdf = slow_render
