"""Writes for people and enrolments."""

import datetime

from django.db import transaction

from qualifications.models import Qualification

from .models import Enrolment, User


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    user = User(
        username=username, role=role, first_name=first_name, last_name=last_name, email=email
    )
    # Beheerders work in the Django admin too.
    user.is_staff = role == User.Role.BEHEERDER
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def enrolment_create(
    *, student: User, qualification: Qualification, started_on: datetime.date
) -> Enrolment:
    enrolment = Enrolment(student=student, qualification=qualification, started_on=started_on)
    enrolment.full_clean()
    enrolment.save()
    return enrolment
