"""The dashboard groups signals of one kind into one card: a count, the first few names (each
once, in the Dutch order) and a link to the matrix filtered to that signal."""

import re
from types import SimpleNamespace

from dashboards.selectors import Signal
from dashboards.views import SIGNAL_NAMES, _signals_list
from organisation.names import sort_key


def row(pk, first, last):
    student = SimpleNamespace(
        sort_name=sort_key(first_name=first, last_name=last, username=f"u{pk}"), username=f"u{pk}"
    )
    return SimpleNamespace(
        name=f"{first} {last}", enrolment=SimpleNamespace(pk=pk, student=student)
    )


def test_eight_behind_make_one_card_with_count_and_first_names_in_dutch_order():
    rows = [row(i, "Student", name) for i, name in enumerate(
        ["Yıldız", "Öztürk", "de Boer", "van den Berg", "Aalders", "Claes", "Dekker", "Evers"]
    )]  # fmt: skip
    signals = [Signal("behind", r, "Loopt achter.", f"/p/{r.enrolment.pk}/") for r in rows]
    # Two waiting items of one student are one name in the "wacht" card.
    signals += [
        Signal("waiting", rows[0], "Bewijs bij A wacht al 9 dagen.", ""),
        Signal("waiting", rows[0], "Bewijs bij B wacht al 8 dagen.", ""),
    ]
    links = {"behind": "/k/1/?achter=1", "waiting": "/k/1/?signaal=wacht"}
    html = str(_signals_list(SimpleNamespace(signals=signals), links))
    assert html.count("Achter op planning") == 1
    assert html.count("Wacht op beoordeling") == 1
    assert "8 studenten" in html
    assert "1 student<" in html
    assert html.count("Student Yıldız") == 1  # in the waiting card; behind shows the first 5
    behind = html.split("signal-waiting")[0]
    names = re.findall(r">Student ([^<]+)</a>", behind)
    assert names == ["Aalders", "van den Berg", "de Boer", "Claes", "Dekker"]
    assert html.count("Loopt achter.") == SIGNAL_NAMES
    # The rest are one link away: the matrix filtered to the students behind.
    assert '<a class="signal-all" href="/k/1/?achter=1">en nog 3 studenten' in behind
    assert '<a class="signal-all" href="/k/1/?signaal=wacht">Toon ze in de tabel' in html
    assert "Bewijs bij A wacht al 9 dagen. Bewijs bij B wacht al 8 dagen." in html
    assert 'class="bi bi-clock" aria-hidden="true"></i> Achter op planning' in html


def test_no_signal_no_card():
    assert str(_signals_list(SimpleNamespace(signals=[]))) == ""


def test_a_thousand_behind_write_only_the_shown_sentences():
    written = []

    class Row(SimpleNamespace):
        @property
        def behind_reason(self):
            written.append(self.name)
            return "Loopt achter."

    rows = [Row(**vars(row(i, "Student", f"Naam{i:04d}"))) for i in range(1000)]
    html = str(_signals_list(SimpleNamespace(signals=[Signal("behind", r) for r in rows])))
    assert "1000 studenten" in html
    assert written == [f"Student Naam{i:04d}" for i in range(SIGNAL_NAMES)]
