"""Make a message's HTML body safe to show inside the CRM (BEHAVIOUR §9).

Email HTML is written by strangers and shown to colleagues, so it is treated as hostile: it must
not run code, must not reach the network when opened (a remote image is a read receipt and a
tracking beacon), and must not restyle or overlay the page around it. ``nh3`` (Rust's ``ammonia``
over the ``html5ever`` parser, the same parser family browsers use) does the heavy lifting; it
parses as a browser would, so tricks that rely on mis-nesting or odd comments do not survive.
What this module adds on top of ``nh3``'s defaults:

* An allow-list of tags and attributes that keeps what mail clients rely on — tables and their
  legacy layout attributes (``bgcolor``, ``cellpadding``, ``valign``), ``<font>``, basic text
  formatting, images. Everything else goes; ``script``, ``style``, ``svg``, ``iframe`` and the
  like go *with their content*. Comments go too, so Outlook's ``<!--[if mso]>`` blocks vanish.
* URL rules per attribute, because ``nh3`` applies one scheme list to both ``href`` and ``src``:
  links may point at ``http``, ``https`` and ``mailto`` (and get ``rel="noopener noreferrer"``
  and ``target="_blank"``); images may use ``cid:`` (parts of the same message) and raster
  ``data:image/...`` URLs. Remote ``src`` and ``background`` URLs are removed unless the caller
  passes ``allow_remote_images=True`` — the "load remote content" choice the user makes per
  message (the raw message is kept, so the HTML can be sanitised again that way). ``srcset`` is
  never kept: ``nh3`` does not check the URLs inside it. Relative URLs are removed: they would
  resolve against the CRM's own origin.
* A style filter: only harmless CSS properties survive (colours, fonts, spacing, borders, sizes,
  alignment — no ``position``, no ``background-image``), and any declaration containing
  ``url(``, ``expression(``, ``image-set(`` or a CSS escape (``u\\72l(`` is ``url(``) is
  dropped before ``nh3`` normalises the rest.

Speed: it runs on every tracked message. Two ``nh3.Cleaner`` instances are built once, lazily;
the Python attribute callback only runs for the few attributes that carry URLs or styles.
"""

from __future__ import annotations

import functools
import re

import nh3

_TAGS = frozenset(
    {
        "a", "abbr", "address", "b", "bdi", "bdo", "big", "blockquote", "br", "caption", "center",
        "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
        "figcaption", "figure", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike",
        "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "tt", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
# Removed together with everything inside them (text inside would be noise or a payload).
_CLEAN_CONTENT_TAGS = frozenset(
    {
        "script", "style", "title", "template", "svg", "math", "iframe", "frame", "frameset",
        "object", "applet", "noscript", "noembed", "noframes", "xmp", "head",
    }
)  # fmt: skip
_TABLE_LAYOUT = {"align", "valign", "width", "height", "bgcolor", "background", "nowrap"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"style", "dir", "lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "align", "border", "hspace", "vspace"},
    "font": {"color", "face", "size"},
    "table": _TABLE_LAYOUT | {"border", "cellpadding", "cellspacing", "summary"},
    "tr": _TABLE_LAYOUT,
    "td": _TABLE_LAYOUT | {"colspan", "rowspan", "headers"},
    "th": _TABLE_LAYOUT | {"colspan", "rowspan", "headers", "scope"},
    "thead": {"align", "valign"},
    "tbody": {"align", "valign"},
    "tfoot": {"align", "valign"},
    "col": {"span", "width", "align", "valign"},
    "colgroup": {"span", "width", "align", "valign"},
    "div": {"align"},
    "p": {"align"},
    "h1": {"align"},
    "h2": {"align"},
    "h3": {"align"},
    "hr": {"width", "size", "align", "noshade"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "li": {"value", "type"},
}
_STYLE_PROPERTIES = frozenset(
    {
        "color", "background-color", "opacity",
        "font", "font-family", "font-size", "font-style", "font-variant", "font-weight",
        "text-align", "text-decoration", "text-indent", "text-transform", "line-height",
        "letter-spacing", "word-spacing", "white-space", "word-break", "word-wrap",
        "overflow-wrap", "vertical-align", "direction", "unicode-bidi",
        "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
        "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
        "border", "border-top", "border-right", "border-bottom", "border-left",
        "border-color", "border-style", "border-width", "border-collapse", "border-spacing",
        "border-radius", "width", "height", "min-width", "max-width", "min-height", "max-height",
        "display", "float", "clear", "list-style-type", "table-layout", "caption-side",
    }
)  # fmt: skip
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_REMOTE_SCHEMES = ("http://", "https://")
_INLINE_IMAGE = re.compile(r"(?:cid:|data:image/(?:png|gif|jpe?g|webp|bmp)[;,])", re.IGNORECASE)
_UNSAFE_CSS = ("url(", "expression(", "image-set(", "image(", "element(", "\\", "@import")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")  # browsers ignore these inside URLs


def sanitize_html(html: str, *, allow_remote_images: bool = False) -> str:
    """Return ``html`` reduced to markup that is safe to display and loads nothing remote.

    With ``allow_remote_images`` (the user asked to load remote content for this message),
    ``http(s)`` image sources and table backgrounds are kept; nothing else changes.
    """
    return _cleaner(allow_remote_images).clean(html)


@functools.cache
def _cleaner(allow_remote_images: bool) -> nh3.Cleaner:
    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "style":
            return _filter_style(value)
        if attribute == "href":
            return value if _scheme_of(value).startswith(_LINK_SCHEMES) else None
        if attribute in ("src", "background"):
            url = _scheme_of(value)
            if _INLINE_IMAGE.match(url) or (
                allow_remote_images and url.startswith(_REMOTE_SCHEMES)
            ):
                return value
            return None
        return value

    return nh3.Cleaner(
        tags=set(_TAGS),
        clean_content_tags=set(_CLEAN_CONTENT_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=attribute_filter,
        strip_comments=True,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        url_schemes={"http", "https", "mailto", "cid", "data"},
        filter_style_properties=set(_STYLE_PROPERTIES),
        url_relative="deny",
    )


def _scheme_of(url: str) -> str:
    """The URL lower-cased without the blanks and controls a browser would skip."""
    return _URL_NOISE.sub("", url).lower()


def _filter_style(value: str) -> str | None:
    """Drop declarations that could load or compute something; nh3 then filters properties."""
    kept = [
        declaration
        for declaration in value.split(";")
        if declaration.strip() and not any(token in declaration.lower() for token in _UNSAFE_CSS)
    ]
    return ";".join(kept) or None
