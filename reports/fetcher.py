"""The only way WeasyPrint may load anything: the app's own static files.

Report HTML contains user text (titles, feedback). Autoescaping keeps it text, and this
fetcher is the second wall: file://, http(s) to anywhere, data: and every other scheme are
refused, so even markup that slipped through cannot read the server's disk or the network.
"""

import posixpath

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .selectors import BASE_URL

MIME_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
}


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, resources: dict[str, tuple[bytes, str]] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.fetched: list[str] = []
        # Bytes the caller already read and checked (the school's logo), by exact URL.
        self.resources = dict(resources or {})

    def fetch(self, url, headers=None):
        if url in self.resources:
            body, content_type = self.resources[url]
            self.fetched.append(url)
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            raise ValueError(f"Refused to fetch {url!r}: reports load only static files")
        relative = posixpath.normpath(url[len(prefix) :].split("?")[0].split("#")[0])
        extension = posixpath.splitext(relative)[1].lower()
        if relative.startswith(("..", "/")) or extension not in MIME_TYPES:
            raise ValueError(f"Refused to fetch {url!r}")
        path = finders.find(relative)
        if not path:
            raise ValueError(f"No static file {relative!r}")
        with open(path, "rb") as fh:
            body = fh.read()
        self.fetched.append(url)
        return URLFetcherResponse(url, body, {"Content-Type": MIME_TYPES[extension]})
