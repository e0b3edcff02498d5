import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from portfolios.models import User
from portfolios.services import enrolment_create, user_create
from qualifications.export import QualificationNotFound, find_qualification

FIXTURES = ["competenties", "business_services", "bk_office_manager"]
DEMO_PASSWORD = "bekwaam-demo"  # noqa: S105 - printed for the Quick start, demo data only

# username, role, first name, last name, kwalificatie (students only)
DEMO_USERS = [
    ("beheerder", User.Role.BEHEERDER, "Bea", "Beheer", None),
    ("docent", User.Role.DOCENT, "Daan", "de Docent", None),
    ("assessor", User.Role.ASSESSOR, "Aïcha", "Assessor", None),
    ("praktijkopleider", User.Role.PRAKTIJKOPLEIDER, "Priya", "Praktijk", None),
    ("student", User.Role.STUDENT, "Sanne", "Student", "25728"),
    ("student-p1", User.Role.STUDENT, "Sem", "Student", "23296/P1"),
    ("student-bk", User.Role.STUDENT, "Lotte", "Leerling", "BK-0568-1"),
]


class Command(BaseCommand):
    help = "Load the seed dossiers and create demo users (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        call_command("loaddata", *FIXTURES, verbosity=0)
        created = []
        for username, role, first, last, qualification_id in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.bekwaam.invalid",
            )
            if qualification_id:
                try:
                    qualification = find_qualification(qualification_id)
                except QualificationNotFound:
                    self.stderr.write(f"Kwalificatie {qualification_id} ontbreekt; overgeslagen.")
                else:
                    enrolment_create(
                        student=user,
                        qualification=qualification,
                        started_on=datetime.date(2026, 9, 1),
                    )
            created.append(username)
        self.stdout.write(
            f"Demo-gebruikers aangemaakt: {', '.join(created) or 'geen (bestonden al)'}"
        )
