"""Dutch name order: by achternaam with the tussenvoegsel ignored and diacritics folded.

"de Boer" sorts under B, "van den Berg" under B, "Öztürk" with O (before "Yıldız"). The key is
stored on User (`sort_name`) by the services that create or rename people, so every list of
people orders by one indexed column in SQL instead of each view sorting its own way.
"""

import unicodedata

# Dutch (and the Flemish/German/French ones met on Dutch class lists) tussenvoegsels. Longer
# sequences are matched word by word, so "van den", "van der", "in 't" need no own entry.
TUSSENVOEGSELS = frozenset(
    "van de den der des het 't 's ten ter te in op aan bij over onder uit "  # noqa: SIM905
    "la le du da dos del della di d' l' von vom zum zur am im".split()
)

# Letters NFKD does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans(
    {"ı": "i", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "Æ": "ae",
     "œ": "oe", "Œ": "oe", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "’": "'", "‘": "'"}
)  # fmt: skip


def fold(text: str) -> str:
    """Lower case without diacritics: "Öztürk" -> "ozturk", "Yıldız" -> "yildiz"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def split_tussenvoegsel(last_name: str) -> tuple[str, str]:
    """("van den", "Berg") from "van den Berg"; the last word is never a tussenvoegsel."""
    words = last_name.split()
    cut = 0
    while cut < len(words) - 1 and fold(words[cut]) in TUSSENVOEGSELS:
        cut += 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def sort_key(*, first_name: str, last_name: str, username: str) -> str:
    """The stored key: achternaam (tussenvoegsel dropped), voornaam, tussenvoegsel, username.

    A unit separator (below every letter) keeps the parts apart, so "Berg, Zoë" sorts before
    "Bergen, Anna"; people without a name sort by username after everyone with one. This relies
    on the column comparing by code point (C/C.UTF-8 on PostgreSQL, BINARY on SQLite).
    """
    prefix, core = split_tussenvoegsel(last_name.strip())
    if not core and not first_name.strip():
        return "\x7f" + fold(username)
    parts = [core, first_name.strip(), prefix, username]
    return "\x1f".join(fold(p) for p in parts)[:300]
