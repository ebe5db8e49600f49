"""Text from a form, made safe for where it is shown: terminals, CSV, Markdown, Excel.

A form's cells are written by strangers. Nothing in them may act on the place jixiao writes
them to:

* :func:`visible` — for terminals and logs: control characters (ESC sequences such as
  ``\\x1b[2J`` or OSC 8 hyperlinks, carriage returns, backspaces, C1 controls), bidirectional
  overrides (U+202A…U+202E, U+2066…U+2069), other invisible format characters and lone
  surrogates are shown as visible escapes (``\\x1b``, ``\\u202e``); line breaks and tabs stay;
* :func:`csv_cell` — for CSV: a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is prefixed with ``'`` so that a spreadsheet shows it as text instead of
  running it as a formula (OWASP's advice); plain numbers such as ``-5`` are left alone;
* :func:`markdown_text` — for Markdown: HTML and Markdown control characters are escaped, so a
  cell never becomes a link, an image, raw HTML, emphasis or a heading.

Workbooks are handled where they are written: every string jixiao puts in a cell is stored as
a text cell, never as a formula (:func:`jixiao.report.xlsx_out` and
:func:`jixiao.forms.xlsx_io.write_xlsx`).

>>> visible("a\\x1b[2Jb\\u202ec")
'a\\\\x1b[2Jb\\\\u202ec'
>>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("-5"), csv_cell("≥90%")
('\\'=HYPERLINK("http://x")', '-5', '≥90%')
>>> markdown_text("# <b>[x](y)</b>")
'\\\\# &lt;b&gt;[x]\\\\(y)&lt;/b&gt;'
"""

from __future__ import annotations

import re

__all__ = ["csv_cell", "csv_uncell", "markdown_text", "visible"]

# C0 controls but \t and \n, DEL, C1 controls, zero-width and bidi format characters, line and
# paragraph separators, BOM, interlinear annotations, and surrogates (lone ones cannot be encoded)
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
    "\ufff9-\ufffb\ud800-\udfff]"
)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """*text* with every control, bidi and invisible format character shown as an escape."""
    if text.isprintable():
        return text
    return _INVISIBLE.sub(_escape, text)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)%?")


def csv_cell(text: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula (a ``'`` before ``= + - @`` tab CR)."""
    if text.startswith(_FORMULA_START) and _PLAIN_NUMBER.fullmatch(text) is None:
        return "'" + text
    return text


def csv_uncell(text: str) -> str:
    """The inverse of :func:`csv_cell`, for reading back what jixiao wrote."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


_MD_SPECIAL = re.compile(r"([\\`*_{}#|~:$]|!(?=\[)|(?<=\])[(\[])")
_WWW = re.compile(r"(?i)\b(www)\.")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown_text(text: str) -> str:
    """Text shown as written inside Markdown: no HTML, links, emphasis, code or headings.

    Line breaks become ``<br>`` (so a cell's second line never starts a heading, a list or a
    quote: the text stays inside the line, table cell or list item it was put in);
    control characters are shown escaped as in :func:`visible`.
    """
    text = visible(text)
    if any(c in text for c in "&<>"):
        text = "".join(_HTML.get(ch, ch) for ch in text)
    lines = []
    for line in re.split(r"\r\n|\r|\n", text):
        line = _MD_SPECIAL.sub(r"\\\1", line.strip())
        line = _WWW.sub(r"\1\\.", line)
        lines.append(line)
    return "<br>".join(lines)
