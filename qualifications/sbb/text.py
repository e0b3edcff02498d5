"""Text cleaning for SBB's CDATA: entities, escaped HTML and bullets to plain text.

``clean_text`` turns it into the plain text the rest of the project uses: paragraphs
separated by a blank line, bullets as ``- item`` lines, no markup, nothing executable.
``split_sections`` and ``split_gedrag`` cut such text into the parts the dossier stores.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from html.parser import HTMLParser

# Content of these elements is never text for a reader: drop it entirely.
_DROP_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "template", "svg", "math", "head", "title", "textarea", "select", "button",
}  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "blockquote",
    "pre", "table", "thead", "tbody", "tfoot", "tr", "ul", "ol", "dl", "hr", "address",
    "figure", "figcaption", "labeltext", "body", "html", "center", "fieldset", "form",
}  # fmt: skip
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CELL_TAGS = {"td", "th", "dt", "dd"}
# Marks a heading in the extracted text, so generieke onderdelen can be split by heading.
# Control characters cannot occur in XML 1.0 text, so they cannot collide with content.
_HEADING_START = "\x01"
_HEADING_END = "\x02"
_HEADING_MARK_RE = re.compile(_HEADING_START + "[1-6]?")
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?][^<>]*>")
_STRUCTURE_TAG_RE = re.compile(
    r"<\s*/?\s*(?:p|br|li|ul|ol|div|h[1-6]|table|tr|section|blockquote|labeltext)\b", re.I
)
_TAGLIKE_RE = re.compile(r"<(?=\s*/?\s*[a-zA-Z!?])")
_INLINE_WS_RE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BULLET_CHARS = frozenset(
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2022\u2023\u2043\u2219\u25aa\u25cf\u25e6\u00b7"
)
# In a gedrag list a number ("1.", "2)") also starts a criterion.
_GEDRAG_BULLET_RE = re.compile(
    r"^(?:[-\u2010-\u2015\u2022\u2023\u2043\u2219\u25aa\u25cf\u25e6\u00b7]|\d{1,2}[.)](?=\s))\s*"
)


class _TextExtractor(HTMLParser):
    """Keeps the text of an HTML fragment; turns structure into line breaks and bullets."""

    def __init__(self, *, keep_newlines: bool):
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.parts: list[str] = []
        self.skip = 0
        # Just opened a list item: a <p> inside it must not push its text off the bullet.
        self.bullet_open = False

    def _break(self, text: str) -> None:
        if not self.bullet_open:
            self.parts.append(text)

    def handle_starttag(self, tag, attrs):
        if tag in _DROP_TAGS:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self._break("\n")
        elif tag == "li":
            self.parts.append("\n- ")
            self.bullet_open = True
        elif tag in _HEADING_TAGS:
            self._break("\n\n")
            self.parts.append(f"{_HEADING_START}{tag[1]}")
        elif tag in _BLOCK_TAGS:
            self._break("\n\n")
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        # <script/> has no content to skip; <br/> and friends still break the line.
        if tag not in _DROP_TAGS:
            self.handle_starttag(tag, attrs)
            if tag not in {"br", "hr"}:
                self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _DROP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _HEADING_TAGS:
            self.parts.append(f"{_HEADING_END}\n\n")
        elif tag == "li":
            self.parts.append("\n")
            self.bullet_open = False
        elif tag in _BLOCK_TAGS:
            self._break("\n\n")

    def handle_data(self, data):
        if self.skip:
            return
        if self.keep_newlines:
            self.parts.append(data)
        else:
            # In HTML a line break in the source is just a space.
            self.parts.append(re.sub(r"\s+", " ", data))
        if data.strip():
            self.bullet_open = False

    # Comments, processing instructions and declarations are never shown.
    def handle_comment(self, data):
        pass

    def handle_pi(self, data):
        pass

    def handle_decl(self, decl):
        pass

    def unknown_decl(self, data):
        pass


def _strip_html(text: str) -> str:
    # Text with only inline markup (<b>, <i>, <span>) is plain text whose line breaks still
    # mean something; only real HTML structure replaces them.
    structured = bool(_STRUCTURE_TAG_RE.search(text))
    parser = _TextExtractor(keep_newlines=not structured)
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _unescape(text: str) -> str:
    # Escaped HTML is sometimes escaped twice (&amp;lt;p&amp;gt;); a few rounds undo that.
    for _round in range(3):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def _extract(raw: str | None) -> str:
    """Plain text with heading markers: entities resolved, markup stripped."""
    if not raw:
        return ""
    # Control characters are not text, and must not be mistaken for the heading markers.
    text = _CONTROL_RE.sub("", _unescape(raw))
    if "<" not in text:
        return text
    # A tag that was escaped more often than _unescape undoes shows up again after one pass;
    # keep stripping until nothing tag-like is left.
    for _round in range(4):
        if not _TAG_RE.search(text):
            break
        text = _unescape(_strip_html(text))
    # Last resort: a "<" that could still open a tag is dropped, so no markup can survive.
    return _TAGLIKE_RE.sub("", text)


def _normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INLINE_WS_RE.sub(" ", _INVISIBLE_RE.sub("", text))
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        if line and line[0] in _BULLET_CHARS:
            rest = line[1:].strip()
            if not rest:
                continue  # an empty bullet
            line = f"- {rest}"
        lines.append(line)
    # Blank lines collapse to one; between two bullets of one list they go altogether.
    following = [""] * len(lines)  # the next non-blank line after each line
    upcoming = ""
    for index in range(len(lines) - 1, -1, -1):
        following[index] = upcoming
        upcoming = lines[index] or upcoming
    kept: list[str] = []
    for index, line in enumerate(lines):
        if not line:
            if not kept or not kept[-1]:
                continue
            if kept[-1].startswith("- ") and following[index].startswith("- "):
                continue
        kept.append(line)
    return "\n".join(kept).strip()


def clean_text(raw: str | None) -> str:
    """CDATA text, possibly escaped HTML, as the plain text the fixtures use."""
    # A heading marker carries the heading level; both go, the heading text stays.
    text = _extract(raw)
    if _HEADING_START in text:
        text = _HEADING_MARK_RE.sub("", text).replace(_HEADING_END, "")
    return _normalize(text)


def clean_line(raw: str | None) -> str:
    """A title or attribute: clean text on one line."""
    return " ".join(clean_text(raw).split())


def _clean_with_headings(raw: str | None) -> str:
    return _normalize(_extract(raw))


def split_sections(raw: str | None) -> tuple[str, list[tuple[str, str]]]:
    """Split HTML text at its headings: (text before the first section, [(title, text)]).

    The sections are cut at the heading level used most often (h2 under one h1 in SBB's
    generieke onderdelen), so a single title heading above them does not become a section.
    """
    text = _clean_with_headings(raw)
    pattern = re.compile(
        re.escape(_HEADING_START) + r"([1-6])(.*?)" + re.escape(_HEADING_END), re.S
    )
    headings = list(pattern.finditer(text))
    if not headings:
        return _normalize(text), []
    levels = Counter(int(m.group(1)) for m in headings)
    # Most frequent level; on a tie the higher-ranked (smaller number) heading wins.
    level = min(levels, key=lambda lvl: (-levels[lvl], lvl))
    cuts = [m for m in headings if int(m.group(1)) <= level]
    section_heads = [m for m in cuts if int(m.group(1)) == level]

    def plain(fragment: str) -> str:
        return _normalize(pattern.sub(lambda m: m.group(2), fragment))

    intro = plain(text[: section_heads[0].start()])
    sections = []
    for head in section_heads:
        following = [m for m in cuts if m.start() > head.start()]
        end = following[0].start() if following else len(text)
        title = " ".join(plain(head.group(2)).split())
        sections.append((title, plain(text[head.end() : end])))
    return intro, sections


def split_gedrag(text: str) -> tuple[str, list[str]]:
    """Gedrag text as (intro, criteria).

    Bullets become criteria, in order. Lines before the first bullet ("De beroepsbeoefenaar:")
    are the intro, and so is a first bullet that ends in ":" (SBB's data has "-De pedagogisch
    medewerker kinderopvang:"). A line straight after a bullet that does not end it continues
    that bullet; a line that ends in ":" after the list started introduces more bullets and is
    not itself a criterion. Without any bullet, every line that does not end in ":" is a
    criterion.
    """
    intro: list[str] = []
    items: list[str] = []
    seen_bullet = False
    previous_blank = True
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            previous_blank = True
            continue
        match = _GEDRAG_BULLET_RE.match(line)
        if match:
            item = line[match.end() :].strip()
            if item and not items and item.endswith(":"):
                intro.append(item)
            elif item:
                items.append(item)
                seen_bullet = True
        elif not seen_bullet:
            intro.append(line)
        elif line.endswith(":"):
            pass
        elif not previous_blank and items and not items[-1].endswith((";", ".", "!", "?")):
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(line)
        previous_blank = False
    if not seen_bullet:
        items = [line for line in intro if not line.endswith(":")]
        intro = [line for line in intro if line.endswith(":")]
    return " ".join(intro), items
