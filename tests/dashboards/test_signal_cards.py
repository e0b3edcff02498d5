"""The dashboard groups signals of one kind into one card: a count and the names, each once."""

import re
from types import SimpleNamespace

from dashboards.selectors import Signal
from dashboards.views import _signals_list
from organisation.names import sort_key


def row(pk, first, last):
    student = SimpleNamespace(
        sort_name=sort_key(first_name=first, last_name=last, username=f"u{pk}"), username=f"u{pk}"
    )
    return SimpleNamespace(
        name=f"{first} {last}", enrolment=SimpleNamespace(pk=pk, student=student)
    )


def test_eight_behind_make_one_card_with_count_and_names_in_dutch_order():
    rows = [row(i, "Student", name) for i, name in enumerate(
        ["Yıldız", "Öztürk", "de Boer", "van den Berg", "Aalders", "Claes", "Dekker", "Evers"]
    )]  # fmt: skip
    signals = [Signal("behind", r, "Loopt achter.", f"/p/{r.enrolment.pk}/") for r in rows]
    # Two waiting items of one student are one name in the "wacht" card.
    signals += [
        Signal("waiting", rows[0], "Bewijs bij A wacht al 9 dagen.", ""),
        Signal("waiting", rows[0], "Bewijs bij B wacht al 8 dagen.", ""),
    ]
    html = str(_signals_list(SimpleNamespace(signals=signals)))
    assert html.count("Achter op planning") == 1
    assert html.count("Wacht op beoordeling") == 1
    assert "8 studenten" in html
    assert "1 student<" in html
    assert html.count("Student Yıldız") == 2  # once per card
    behind = html.split("signal-waiting")[0]
    names = re.findall(r">Student ([^<]+)</a>", behind)
    assert names == [
        "Aalders", "van den Berg", "de Boer", "Claes", "Dekker", "Evers", "Öztürk", "Yıldız"
    ]  # fmt: skip
    assert "Bewijs bij A wacht al 9 dagen. Bewijs bij B wacht al 8 dagen." in html
    assert 'class="bi bi-clock" aria-hidden="true"></i> Achter op planning' in html


def test_no_signal_no_card():
    assert str(_signals_list(SimpleNamespace(signals=[]))) == ""
