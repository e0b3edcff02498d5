"""seed_demo builds a small school, keeps the demo logins, and is idempotent."""

import pytest
from django.core.management import call_command

from organisation.models import BpvPeriode, Cohort, Leerbedrijf, User
from portfolios.models import Evidence, EvidenceEvent, EvidenceFile, SignOffEvent

pytestmark = pytest.mark.django_db


def test_seed_demo_twice(media, capsys, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--students", "6")
    out = capsys.readouterr().out
    assert "Demo-gebruikers aangemaakt: beheerder, docent" in out
    assert "6 nieuwe studenten" in out
    for username in ("beheerder", "docent", "assessor", "praktijkopleider", "student",
                     "student-p1", "student-bk", "po-balans"):  # fmt: skip
        assert User.objects.get(username=username).check_password("bekwaam-demo")
    assert Cohort.objects.count() == 2
    # The demo assessor has both klassen, so their queue holds the signed-off werkproces.
    from assessments.lists import queue_page
    from organisation.models import AssessorAssignment

    assert AssessorAssignment.objects.filter(assessor__username="assessor").count() == 2
    assert queue_page(user=User.objects.get(username="assessor"), page=None)[1]
    assert Leerbedrijf.objects.count() == 4
    assert BpvPeriode.objects.filter(
        praktijkopleider__user__username="praktijkopleider",
        enrolment__student__username="student",
    ).exists()
    assert (
        BpvPeriode.objects.filter(praktijkopleider__user__username="praktijkopleider").count() > 1
    )
    student_evidence = Evidence.objects.filter(enrolment__student__username="student")
    assert student_evidence.count() == 3
    # One demo bewijsstuk serves two werkprocessen; every bulk one has its link too.
    assert max(e.wp_links.count() for e in student_evidence) == 2
    assert not Evidence.objects.filter(wp_links__isnull=True).exists()
    kinds = set(EvidenceEvent.objects.values_list("kind", flat=True))
    assert kinds == {"submitted", "accepted", "returned"}
    assert SignOffEvent.objects.filter(enrolment__student__username="student").count() == 1
    assert EvidenceFile.objects.filter(content_type="application/pdf").exists()
    assert EvidenceFile.objects.exclude(thumbnail="").exists()
    assert mailoutbox == []  # demo history is not mailed to anyone
    counts = (User.objects.count(), Evidence.objects.count(), EvidenceFile.objects.count())

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--students", "6")
    assert "geen (bestonden al)" in capsys.readouterr().out
    assert (User.objects.count(), Evidence.objects.count(), EvidenceFile.objects.count()) == counts
