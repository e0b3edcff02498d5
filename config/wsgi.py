import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What Django and our modules allocated while loading (some 200 000 objects) lives as long
# as the process; frozen, Python's full garbage collections stop walking it on every request
# that allocates much (the klas dashboard of a large klas: 10-30 % of its CPU).
gc.freeze()
