"""Demo data: the seed dossiers, the demo logins, and a small school around them.

Idempotent: every person is found by username and only what is missing is made, so running
it again (or with a larger --students) never duplicates anything.

It stays whole: one script a newcomer reads top to bottom to see what the demo school holds.
"""

import datetime
import io
import logging
import time

from django.contrib.auth.hashers import make_password
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from notifications import services as notification_services
from organisation import services as organisation_services
from organisation.models import (
    AssessorAssignment,
    BpvPeriode,
    Cohort,
    Enrolment,
    Leerbedrijf,
    Praktijkopleider,
    School,
    User,
)
from portfolios import services, uploads
from portfolios.models import (
    Evidence,
    EvidenceEvent,
    EvidenceLink,
    EvidenceNotification,
    EvidenceVersion,
    EvidenceVersionLink,
)
from qualifications.export import QualificationNotFound, find_qualification
from qualifications.selectors import werkprocessen_of

DEMO_MAIL_DOMAIN = "demo.bekwaam.invalid"

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

SCHOOL = "ROC Demo"
# name, kwalificatie
COHORTS = [("OMS-3A", "25728"), ("OM-BK1", "BK-0568-1")]
LEERBEDRIJVEN = [
    ("Gemeente Lindenhoven", "100200301"),
    ("Administratiekantoor De Balans", "100200302"),
    ("Zorggroep Het Anker", "100200303"),
    ("Logistiek Centrum Oost", "100200304"),
]
# Extra praktijkopleiders, one per other leerbedrijf (the demo `praktijkopleider` is at the
# first). Printed by scripts/demo.
EXTRA_PRAKTIJKOPLEIDERS = [
    ("po-balans", "Bram", "Boekhouder"),
    ("po-anker", "Fatma", "Yilmaz"),
    ("po-oost", "Kees", "Kuipers"),
]
FIRST_NAMES = [
    "Emma", "Noah", "Julia", "Liam", "Mila", "Luuk", "Zoë", "Daan", "Sara", "Finn",
    "Yara", "Milan", "Nora", "Levi", "Fenna", "Ayoub", "Lina", "Sven", "Amira", "Thijs",
]  # fmt: skip
LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
    "El Idrissi", "Mulder", "de Boer", "Yıldız", "Dekker", "Peters", "Hendriks", "Öztürk",
]  # fmt: skip
# Students that get full evidence with files; the rest get link-only evidence in bulk.
RICH_STUDENTS = 24
START = datetime.date(2026, 9, 1)


def tiny_png(colour: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (96, 64), colour)
    ImageDraw.Draw(image).rectangle((8, 8, 88, 56), outline="white", width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def tiny_pdf(text: str) -> bytes:
    """A minimal valid one-page PDF, with a correct cross-reference table."""
    stream = f"BT /F1 14 Tf 40 780 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


class Command(BaseCommand):
    help = "Load the seed dossiers, create demo users and a demo school (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--students",
            type=int,
            default=25,
            help="How many generated students (besides the demo logins); for benchmarks.",
        )
        parser.add_argument(
            "--klassen",
            type=int,
            default=len(COHORTS),
            help="Over how many klassen the generated students are spread (at least the two "
            "demo klassen); e.g. --students 10000 --klassen 400 for a large school.",
        )

    def handle(self, *args, students: int = 25, klassen: int = len(COHORTS), **options):
        # Eager tasks (no broker) would log a line each; the demo output is for people.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        self.klassen = max(klassen, len(COHORTS))
        self.photos: dict[str, tuple] = {}
        self.seed(students)

    @transaction.atomic
    def seed(self, students: int) -> None:
        started = time.monotonic()
        call_command("loaddata", *FIXTURES, verbosity=0)
        created = []
        for username, role, first, last, qualification_id in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = organisation_services.user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                first_name=first,
                last_name=last,
                email=f"{username}@{DEMO_MAIL_DOMAIN}",
            )
            if qualification_id:
                try:
                    qualification = find_qualification(qualification_id)
                except QualificationNotFound:
                    self.stderr.write(f"Kwalificatie {qualification_id} ontbreekt; overgeslagen.")
                else:
                    organisation_services.enrolment_create(
                        student=user, qualification=qualification, started_on=START
                    )
            created.append(username)
        self.stdout.write(
            f"Demo-gebruikers aangemaakt: {', '.join(created) or 'geen (bestonden al)'}"
        )
        made = self.build_school(max(students, 0))
        self.stdout.write(
            f"Demo-school: {made} nieuwe studenten ({time.monotonic() - started:.1f} s)."
        )

    # --- the school -------------------------------------------------------------------------

    def build_school(self, count: int) -> int:
        school, _ = School.objects.get_or_create(name=SCHOOL)
        docent = User.objects.get(username="docent")
        cohorts = []
        for name, qualification_id in COHORTS:
            qualification = find_qualification(qualification_id)
            cohort, made = Cohort.objects.get_or_create(
                school=school,
                name=name,
                start_year=START.year,
                defaults={"qualification": qualification},
            )
            if made:
                cohort.mentors.add(docent)
            # The demo assessor assesses both klassen, so the queue is not empty.
            AssessorAssignment.objects.get_or_create(
                assessor=User.objects.get(username="assessor"), cohort=cohort
            )
            cohorts.append(cohort)
        extra = self.extra_cohorts(school, docent, cohorts)
        bedrijven = [
            Leerbedrijf.objects.get_or_create(name=name, defaults={"sbb_number": number})[0]
            for name, number in LEERBEDRIJVEN
        ]
        pos = [self.praktijkopleider("praktijkopleider", bedrijven[0])]
        for (username, first, last), bedrijf in zip(
            EXTRA_PRAKTIJKOPLEIDERS, bedrijven[1:], strict=True
        ):
            if not User.objects.filter(username=username).exists():
                organisation_services.user_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    role=User.Role.PRAKTIJKOPLEIDER,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@{DEMO_MAIL_DOMAIN}",
                )
            pos.append(self.praktijkopleider(username, bedrijf))

        # The demo logins join the klassen; `student` is supervised by `praktijkopleider`.
        for username, cohort in (("student", cohorts[0]), ("student-bk", cohorts[1])):
            enrolment = Enrolment.objects.filter(
                student__username=username, qualification=cohort.qualification
            ).first()
            if enrolment is None:
                continue
            if enrolment.cohort_id is None:
                organisation_services.enrolment_set_cohort(enrolment=enrolment, cohort=cohort)
            if not enrolment.bpv_periodes.exists():
                self.bpv(enrolment, pos[0])
                if username == "student":
                    self.rich_evidence(enrolment, pos[0], index=0)
        made = self.generated_students(count, cohorts, pos, extra)
        self.mark_history_as_notified()
        return made

    def extra_cohorts(self, school: School, docent: User, cohorts: list[Cohort]) -> list[Cohort]:
        """Klassen beyond the two demo ones (--klassen), three in four on P3 as those are."""
        wanted = [
            (f"KLAS-{n:04d}", cohorts[0 if n % 4 else 1].qualification)
            for n in range(1, self.klassen - len(cohorts) + 1)
        ]
        existing = set(
            Cohort.objects.filter(
                school=school, name__in=[name for name, _q in wanted]
            ).values_list("name", flat=True)
        )
        made = Cohort.objects.bulk_create(
            [
                Cohort(school=school, name=name, start_year=START.year, qualification=q)
                for name, q in wanted
                if name not in existing
            ]
        )
        extra = list(
            Cohort.objects.filter(school=school, name__startswith="KLAS-").order_by("name")
        )
        Cohort.mentors.through.objects.bulk_create(
            [Cohort.mentors.through(cohort_id=c.pk, user_id=docent.pk) for c in made if c.pk],
            ignore_conflicts=True,
        )
        return extra

    def praktijkopleider(self, username: str, bedrijf: Leerbedrijf) -> Praktijkopleider:
        user = User.objects.get(username=username)
        existing = Praktijkopleider.objects.filter(user=user).first()
        return existing or organisation_services.praktijkopleider_create(
            user=user, leerbedrijf=bedrijf
        )

    def bpv(self, enrolment: Enrolment, po: Praktijkopleider) -> None:
        organisation_services.bpv_periode_create(
            enrolment=enrolment,
            praktijkopleider=po,
            starts_on=timezone.localdate() - datetime.timedelta(days=60),
        )

    def generated_students(self, count: int, cohorts, pos, extra=()) -> int:
        usernames = [f"demo-{i:04d}" for i in range(1, count + 1)]
        existing = set(
            User.objects.filter(username__in=usernames).values_list("username", flat=True)
        )
        new = [(i, u) for i, u in enumerate(usernames) if u not in existing]
        if not new:
            return 0
        # One hash for all: hashing a thousand Argon2 passwords would take minutes.
        password = make_password(DEMO_PASSWORD)
        users = User.objects.bulk_create(
            [
                User(
                    username=username,
                    role=User.Role.STUDENT,
                    first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                    last_name=LAST_NAMES[(i * 7) % len(LAST_NAMES)],
                    email=f"{username}@{DEMO_MAIL_DOMAIN}",
                    password=password,
                )
                for i, username in new
            ]
        )
        for user in users:
            user.refresh_sort_name()
        User.objects.bulk_update(users, ["sort_name"], batch_size=2000)
        users = list(User.objects.filter(username__in=[u for _, u in new]).order_by("username"))
        # Three in four follow P3 (OMS-3A), one in four the BK (OM-BK1); with more klassen
        # the students go round all of them.
        every = [*cohorts, *extra]

        def cohort_of(i: int) -> Cohort:
            return every[i % len(every)] if extra else cohorts[0 if i % 4 else 1]

        plan = [
            (user, cohort_of(i), pos[i % len(pos)])
            for i, user in zip((i for i, _ in new), users, strict=True)
        ]
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    student=user,
                    qualification=cohort.qualification,
                    cohort=cohort,
                    started_on=START,
                )
                for user, cohort, _ in plan
            ]
        )
        enrolments = {
            e.student_id: e
            for e in Enrolment.objects.filter(student__in=users).select_related(
                "qualification", "student"
            )
        }
        bpv_start = timezone.localdate() - datetime.timedelta(days=60)
        BpvPeriode.objects.bulk_create(
            [
                BpvPeriode(
                    enrolment=enrolments[user.pk],
                    leerbedrijf=po.leerbedrijf,
                    praktijkopleider=po,
                    starts_on=bpv_start,
                )
                for user, _, po in plan
            ]
        )
        rich_left = max(
            RICH_STUDENTS
            - Evidence.objects.filter(enrolment__student__username__startswith="demo-")
            .values("enrolment")
            .distinct()
            .count(),
            0,
        )
        bulk = []
        for index, (user, _, po) in enumerate(plan):
            if index < rich_left:
                self.rich_evidence(enrolments[user.pk], po, index=index + 1)
            else:
                bulk.append((enrolments[user.pk], po))
        self.bulk_evidence(bulk)
        return len(new)

    # --- evidence ---------------------------------------------------------------------------

    def rich_evidence(self, enrolment: Enrolment, po: Praktijkopleider, *, index: int) -> None:
        """Three bewijsstukken through the services: accepted (and signed off), returned,
        submitted; with a small photo and a PDF."""
        student = enrolment.student
        werkprocessen = list(
            werkprocessen_of(enrolment.qualification).order_by("kerntaak__position", "position")[:3]
        )
        colours = ["steelblue", "darkseagreen", "indianred"]
        today = timezone.localdate()
        for n, werkproces in enumerate(werkprocessen):
            files = [
                self.photo(colours[n], f"foto-{werkproces.code}.png"),
                uploads.check_upload(
                    SimpleUploadedFile(
                        f"verslag-{werkproces.code}.pdf",
                        tiny_pdf(f"Verslag {werkproces.code} - {student.username}"),
                        "application/pdf",
                    )
                ),
            ]
            # The first bewijsstuk shows two werkprocessen: it counts for both once accepted.
            also = {werkprocessen[1]: []} if n == 0 and len(werkprocessen) > 1 else {}
            evidence = services.evidence_create(
                student=student,
                enrolment=enrolment,
                werkproces=werkproces,
                werkprocessen={werkproces: [], **also},
                title=f"Verslag {werkproces.code}: {werkproces.title[:60]}",
                reflection=(
                    "Ik heb deze taak bij mijn leerbedrijf zelfstandig uitgevoerd. Wat goed "
                    "ging: plannen en overleggen. Volgende keer vraag ik eerder om feedback."
                ),
                date=today - datetime.timedelta(days=10 + n + index % 5),
                files=files,
            )
            services.evidence_submit(student=student, evidence=evidence)
            if n == 0:
                services.evidence_review(
                    reviewer=po.user, evidence=evidence, accept=True, feedback="Goed gedaan."
                )
                services.werkproces_sign_off(
                    confirm_without_evidence=True,
                    actor=po.user,
                    enrolment=enrolment,
                    werkproces=werkproces,
                    declaration=str(services.SIGN_OFF_DECLARATION),
                )
            elif n == 1:
                services.evidence_review(
                    reviewer=po.user,
                    evidence=evidence,
                    accept=False,
                    feedback="Beschrijf ook hoe je met de klant hebt afgestemd.",
                )

    def photo(self, colour: str, name: str) -> uploads.CheckedUpload:
        """A checked photo of one colour. The demo shows the same three photos over and over:
        each is checked (exiftool, a quarter of a second) once, and its cleaned bytes reused."""
        if colour not in self.photos:
            checked = uploads.check_upload(SimpleUploadedFile(name, tiny_png(colour), "image/png"))
            self.photos[colour] = (checked.kind, checked.file.read())
            checked.close()
        kind, data = self.photos[colour]
        return uploads.CheckedUpload(
            kind=kind, original_name=name, size=len(data), file=File(io.BytesIO(data), name=name)
        )

    def bulk_evidence(self, pairs) -> None:
        """For benchmarks: one submitted, link-only bewijsstuk per student, in a few queries."""
        if not pairs:
            return
        first_wp = {}
        for enrolment, _ in pairs:
            if enrolment.qualification_id not in first_wp:
                first_wp[enrolment.qualification_id] = (
                    werkprocessen_of(enrolment.qualification)
                    .order_by("kerntaak__position", "position")
                    .first()
                )
        day = timezone.localdate() - datetime.timedelta(days=7)
        evidence = Evidence.objects.bulk_create(
            [
                Evidence(
                    enrolment=enrolment,
                    werkproces=first_wp[enrolment.qualification_id],
                    title="Verslag eerste week",
                    reflection="Mijn eerste week bij het leerbedrijf.",
                    date=day,
                    links=["https://example.org/demo-verslag"],
                )
                for enrolment, _ in pairs
            ]
        )
        if evidence and evidence[0].pk is None:  # backends without RETURNING
            evidence = list(Evidence.objects.filter(enrolment__in=[e for e, _ in pairs]))
        versions = EvidenceVersion.objects.bulk_create(
            [
                EvidenceVersion(
                    evidence=item,
                    number=1,
                    title=item.title,
                    reflection=item.reflection,
                    date=item.date,
                    links=item.links,
                )
                for item in evidence
            ]
        )
        if versions and versions[0].pk is None:
            versions = list(EvidenceVersion.objects.filter(evidence__in=evidence))
        EvidenceLink.objects.bulk_create(
            [EvidenceLink(evidence=item, werkproces_id=item.werkproces_id) for item in evidence]
        )
        by_evidence = {item.pk: item for item in evidence}
        EvidenceVersionLink.objects.bulk_create(
            [
                EvidenceVersionLink(
                    version=version, werkproces_id=by_evidence[version.evidence_id].werkproces_id
                )
                for version in versions
            ]
        )
        by_enrolment = {enrolment.pk: enrolment for enrolment, _ in pairs}
        EvidenceEvent.objects.bulk_create(
            [
                EvidenceEvent(
                    evidence_id=version.evidence_id,
                    version=version,
                    kind=EvidenceEvent.Kind.SUBMITTED,
                    actor=by_enrolment[item.enrolment_id].student,
                    actor_name=by_enrolment[item.enrolment_id].student.get_full_name(),
                    actor_role=User.Role.STUDENT,
                )
                for item, version in zip(evidence, versions, strict=True)
            ]
        )

    def mark_history_as_notified(self) -> None:
        """Demo history is not news: record it as mailed, so no task mails .invalid addresses."""
        events = EvidenceEvent.objects.filter(
            evidence__enrolment__student__username__startswith="demo-"
        ) | EvidenceEvent.objects.filter(evidence__enrolment__student__username="student")
        events = events.exclude(pk__in=EvidenceNotification.objects.values("event_id")).values_list(
            "pk", "kind", "evidence__enrolment_id", "evidence__enrolment__student_id"
        )
        # Who would have been mailed, read once for all events rather than once per event.
        praktijkopleiders: dict[int, list[int]] = {}
        for enrolment_id, user_id in BpvPeriode.objects.filter(
            enrolment__student__username__startswith="demo-"
        ).values_list("enrolment_id", "praktijkopleider__user_id") | BpvPeriode.objects.filter(
            enrolment__student__username="student"
        ).values_list("enrolment_id", "praktijkopleider__user_id"):
            praktijkopleiders.setdefault(enrolment_id, []).append(user_id)
        rows = []
        for event_id, kind, enrolment_id, student_id in events:
            if kind == EvidenceEvent.Kind.SUBMITTED:
                recipients = praktijkopleiders.get(enrolment_id, [])
            else:
                recipients = [student_id]
            rows.extend(
                EvidenceNotification(
                    event_id=event_id,
                    recipient_id=recipient,
                    channel=EvidenceNotification.Channel.IMMEDIATE,
                )
                for recipient in recipients
            )
        EvidenceNotification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
        # The history's notifications stay in the app (the bell shows them); its mails to
        # the demo's .invalid addresses are dropped before they are ever sent.
        notification_services.mails_discard(to_domain=DEMO_MAIL_DOMAIN)
