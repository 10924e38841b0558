"""A readable plain-text rendering of an HTML body, for messages sent as HTML only.

The text is for search, previews and the activity description, never for display as HTML, so
we keep it simple: drop tags, scripts and styles, turn ``<br>`` and line-like elements (list
items, table rows, divs) into line breaks and paragraph-like ones into blank lines, decode
entities (``html.parser`` does that with ``convert_charrefs``), and collapse the white space
HTML itself would collapse.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_PARAGRAPH_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "ul",
        "ol",
        "dl",
        "hr",
        "figure",
        "form",
        "fieldset",
    ]
)
_LINE_TAGS = frozenset(
    [
        "br",
        "div",
        "li",
        "tr",
        "dt",
        "dd",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "figcaption",
        "address",
    ]
)
_INVISIBLE_TAGS = frozenset(["script", "style", "head", "title", "template", "noscript"])
_LINE, _PARAGRAPH = "\n", "\x00"  # NUL cannot come from the data: handle_data removes it
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BREAKS = re.compile(r"[ \t]*[\n\x00][\s\x00]*")
_TAGS = re.compile(r"<[^>]*>")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden_depth = 0

    def _break(self, tag: str) -> None:
        if tag in _PARAGRAPH_TAGS:
            self.pieces.append(_PARAGRAPH)
        elif tag in _LINE_TAGS:
            self.pieces.append(_LINE)
        elif tag in ("td", "th"):
            self.pieces.append(" ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth += 1
        self._break(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag != "br":  # "</br>" is read as a line break by browsers, once is enough
            self._break(tag)

    def handle_data(self, data: str) -> None:
        if self._hidden_depth == 0:
            # Source line breaks are only white space in HTML.
            self.pieces.append(_SPACES.sub(" ", data.replace("\x00", "").replace("\n", " ")))


def _join_breaks(match: re.Match[str]) -> str:
    return "\n\n" if _PARAGRAPH in match.group(0) else "\n"


def html_to_text(html: str) -> str:
    """Plain text of an HTML document or fragment; never raises on malformed markup."""
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
        text = "".join(collector.pieces)
    except AssertionError:
        # html.parser (3.11) asserts on some malformed markup such as "<![bogus"; strip tags.
        text = _SPACES.sub(" ", _TAGS.sub(" ", html))
    text = _SPACES.sub(" ", text)
    return _BREAKS.sub(_join_breaks, text).strip(" \n\x00")
