"""The WSGI application of bench_load.py --ceiling: Bekwaam as gunicorn serves it
(config.wsgi), with the student pages from the ideal cache of ideal_cache.py."""

import ideal_cache  # noqa: F401 (before the first request: it replaces three views)

from config.wsgi import application  # noqa: F401
