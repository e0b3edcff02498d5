"""Render dossier texts (paragraphs separated by blank lines, "- " bullet lines) as HTML.

The texts are stored as plain text so that no markup from a source document can reach a page
or a PDF; this filter escapes everything and only adds <p>, <ul> and <li> itself.
"""

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _blocks(text: str):
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        paragraph: list[str] = []
        bullets: list[str] = []
        for line in lines:
            if line.startswith("- "):
                if paragraph:
                    yield "p", paragraph
                    paragraph = []
                bullets.append(line[2:])
            else:
                if bullets:
                    yield "ul", bullets
                    bullets = []
                paragraph.append(line)
        if paragraph:
            yield "p", paragraph
        if bullets:
            yield "ul", bullets


@register.filter(name="dossier_text")
def dossier_text(value) -> str:
    if not value:
        return ""
    parts = []
    for kind, lines in _blocks(str(value)):
        if kind == "p":
            escaped = [conditional_escape(line) for line in lines]
            parts.append("<p>" + "<br>".join(escaped) + "</p>")
        else:
            items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
            parts.append(f"<ul>{items}</ul>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped
