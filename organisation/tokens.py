"""Invite and activation links (praktijkopleiders, imported students, staff): one-time,
expiring, and revoked by sending a new one.

The token follows Django's password-reset tokens: it is signed over the user's password hash
and last login, so it stops working as soon as the password is set (and the user is logged
in), and it expires after settings.BEKWAAM_INVITE_MAX_AGE seconds. It is also signed over
User.activation_sent_at, which every new invite moves: the earlier link stops working.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from .models import User


class InviteTokenGenerator(PasswordResetTokenGenerator):
    # A different salt: a password-reset token is not an invite token, and vice versa.
    key_salt = "bekwaam.portfolios.invitations.InviteTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        sent = "" if user.activation_sent_at is None else user.activation_sent_at.isoformat()
        return super()._make_hash_value(user, timestamp) + sent

    def check_token(self, user, token):
        # Django's check uses PASSWORD_RESET_TIMEOUT; invites have their own lifetime.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.BEKWAAM_INVITE_MAX_AGE


invite_token_generator = InviteTokenGenerator()


def invite_path(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = invite_token_generator.make_token(user)
    return reverse("organisation:invite_accept", args=[uidb64, token])


def user_for_invite(uidb64: str, token: str) -> User | None:
    """The invited person, or None for a wrong, used, revoked or expired link."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
        user = User.objects.get(pk=pk, is_active=True)
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        return None
    if not invite_token_generator.check_token(user, token):
        return None
    return user
