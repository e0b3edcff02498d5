"""What changed between the version a praktijkopleider returned and the one the student
submitted again: the title and reflection as a word diff, and the files added and removed.

Both are frozen EvidenceVersion rows, so the comparison always shows what the reviewer saw
then against what they see now, whatever the student does to the working copy meanwhile.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .models import EvidenceEvent, EvidenceFile, EvidenceVersion

SAME, ADDED, REMOVED = "same", "ins", "del"
_TOKENS = re.compile(r"\s+|[^\s]+")


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(SAME | ADDED | REMOVED, text)], word by word, whitespace kept."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    parts: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append((SAME, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append((REMOVED, "".join(a[i1:i2])))
        if j2 > j1:
            parts.append((ADDED, "".join(b[j1:j2])))
    return parts


@dataclass
class Changes:
    returned: EvidenceVersion
    latest: EvidenceVersion
    title: list[tuple[str, str]] = field(default_factory=list)
    reflection: list[tuple[str, str]] = field(default_factory=list)
    added_files: list[EvidenceFile] = field(default_factory=list)
    removed_files: list[EvidenceFile] = field(default_factory=list)

    @property
    def title_changed(self) -> bool:
        return self.returned.title != self.latest.title

    @property
    def reflection_changed(self) -> bool:
        return self.returned.reflection != self.latest.reflection

    @property
    def any(self) -> bool:
        return bool(
            self.title_changed or self.reflection_changed or self.added_files or self.removed_files
        )


def changes_since_returned(
    versions: list[EvidenceVersion], events: list[EvidenceEvent]
) -> Changes | None:
    """`versions` newest first with their files prefetched, `events` of the same bewijsstuk:
    no queries. None unless the newest version follows one that was returned."""
    if len(versions) < 2:
        return None
    latest, previous = versions[0], versions[1]
    if not any(e.version_id == previous.pk and e.kind == e.Kind.RETURNED for e in events):
        return None
    old_files = {f.pk: f for f in previous.files.all()}
    new_files = {f.pk: f for f in latest.files.all()}
    return Changes(
        returned=previous,
        latest=latest,
        title=text_diff(previous.title, latest.title),
        reflection=text_diff(previous.reflection, latest.reflection),
        added_files=[f for pk, f in new_files.items() if pk not in old_files],
        removed_files=[f for pk, f in old_files.items() if pk not in new_files],
    )
