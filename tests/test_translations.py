"""The English catalogue keeps up with the Dutch UI: every message translated, none fuzzy.

A string added without a translation shows in Dutch to someone who chose English; this test
names it, so the next `makemessages -l en` (see README, Development) is not forgotten."""

from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries():
    """(flags, msgid, [msgstr, ...]) per entry, header and obsolete entries left out."""
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        flags = {f.strip() for line in lines if line.startswith("#,") for f in line[2:].split(",")}
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[key] += line[1:-1]
                continue
            key, _, value = line.partition(" ")
            fields[key] = value[1:-1]
        if fields.get("msgid"):
            yield flags, fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")]


def test_every_message_has_an_english_translation():
    missing = [msgid for _, msgid, strs in entries() if not all(strs)]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"


def test_no_translation_is_a_fuzzy_guess():
    fuzzy = [msgid for flags, msgid, _ in entries() if "fuzzy" in flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
