"""Database sessions that move the idle deadline on without a write on every request.

``SESSION_SAVE_EVERY_REQUEST`` makes Django write the session row (BEGIN, UPDATE, COMMIT)
on every request just to move its expiry on. This store skips that write when nothing in
the session changed and the stored deadline is already within ``REFRESH_SECONDS`` of the
new one: the idle timeout then ends a session at most that much early, and a user who
clicks on pays one write a minute instead of one a request. A changed session (a sign-in,
a message, a language) is written as always.
"""

import datetime

from django.conf import settings
from django.contrib.sessions.backends import db
from django.utils import timezone

REFRESH_SECONDS = 60


class SessionStore(db.SessionStore):
    _stored_expiry = None

    def _get_session_from_db(self):
        session = super()._get_session_from_db()
        self._stored_expiry = session.expire_date if session else None
        return session

    def _deadline_is_fresh(self) -> bool:
        if self._stored_expiry is None or self.get("_session_expiry") is not None:
            return False
        slack = min(REFRESH_SECONDS, settings.SESSION_COOKIE_AGE // 10)
        wanted = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        return self._stored_expiry >= wanted - datetime.timedelta(seconds=slack)

    def save(self, must_create=False):
        if not must_create and not self.modified and self._deadline_is_fresh():
            return
        super().save(must_create=must_create)
        self._stored_expiry = None
