"""The one language layer: every user-facing string is a Chinese text with an English one.

jixiao speaks Chinese first and English on request (``--lang en``). Text a user reads is held as a
:class:`Msg` (a Chinese and an English template) and turned into one language only when it is
shown, by :func:`tr` or :meth:`Msg.text`. Fixed words shared by every renderer (headings,
severities, the labels of an error) live in :data:`WORDS`.

>>> Msg("共{n}项", "{n} items").text("en", n=3)
'3 items'
>>> tr(("提示", "hint"), "zh")
'提示'
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Literal

import attrs

__all__ = ["LANGS", "WORDS", "Lang", "Msg", "tr", "word"]

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def _format(template: str, fields: Mapping[str, object]) -> str:
    if not fields:
        return template
    try:
        return string.Formatter().vformat(template, (), dict(fields))
    except (KeyError, IndexError, ValueError):
        return template


@attrs.frozen(slots=True)
class Msg:
    """A message in Chinese and English; ``{name}`` fields are filled when it is shown."""

    zh: str
    en: str

    def text(self, lang: str = "zh", **fields: object) -> str:
        return _format(self.en if lang == "en" else self.zh, fields)

    def format(self, **fields: object) -> Msg:
        """Both languages with the fields filled in."""
        return Msg(_format(self.zh, fields), _format(self.en, fields))


def tr(text: Msg | tuple[str, str] | str, lang: str = "zh", **fields: object) -> str:
    """*text* in *lang*: a :class:`Msg`, a ``(zh, en)`` pair, or a plain string (shown as is)."""
    if isinstance(text, Msg):
        return text.text(lang, **fields)
    if isinstance(text, tuple):
        return _format(text[1] if lang == "en" else text[0], fields)
    return _format(text, fields)


#: Words every renderer shares, by key: (Chinese, English).
WORDS: dict[str, tuple[str, str]] = {
    "hint": ("提示：", "hint: "),
    "expected": ("此处可以是：", "expected here: "),
    "list_sep": ("、", ", "),
    "line_col": ("（第{line}行第{column}列）", " (line {line}, column {column})"),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "info": ("提示", "info"),
    "error_prefix": ("错误：", "error: "),
    "policy_problems": ("策略文件有 {count} 处错误", "the policy has {count} problem(s)"),
}


def word(key: str, lang: str = "zh", **fields: object) -> str:
    """One of the shared :data:`WORDS` in *lang*."""
    return tr(WORDS[key], lang, **fields)
