"""The exception hierarchy and the one renderer every error shares.

Every exception jixiao raises on purpose derives from :class:`JixiaoError`, which carries
structured fields: a ``message`` (Chinese, with ``message_en`` in English), a :class:`Location`
(file or cell, line, column, or a path inside the file such as ``indicators[1].target``) and a
``hint`` saying what would be valid. :meth:`JixiaoError.render` shows them in one language, with the
offending line and a caret under the bad character; the caret lines up under CJK and full-width
characters because each of those takes two terminal columns.

>>> err = FormError("缺少 indicators", source="form.json", en="indicators is missing")
>>> err.render("en")
'form.json: indicators is missing'
>>> isinstance(err, JixiaoError), str(err.location)
(True, 'form.json')
"""

from __future__ import annotations

import unicodedata
from typing import Any

import attrs

from jixiao.escape import visible
from jixiao.i18n import Msg, place_text, word

__all__ = [
    "ArgumentTypeError",
    "EvaluationError",
    "FormError",
    "InstallError",
    "JixiaoError",
    "Location",
    "MissingExtraError",
    "NumeralError",
    "PolicyError",
    "PolicyProblem",
    "ReportError",
    "TargetSyntaxError",
    "UnitMismatchError",
    "UnknownNameError",
    "UsageError",
    "caret_line",
    "display_width",
]


def display_width(text: str) -> int:
    """Terminal columns taken by *text*: wide (CJK, full-width) characters count two.

    >>> display_width("≥45人")
    5
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def caret_line(line: str, column: int, length: int = 1) -> str:
    """The line and a caret line under character *column* (0-based) spanning *length* characters.

    >>> print(caret_line("≥45万圆", 3, 2))
    ≥45万圆
       ^^^^
    """
    column = max(0, min(column, len(line)))
    # control characters are shown escaped (\x1b), and the caret lines up under what is shown
    pad = display_width(visible(line[:column]))
    span = visible(line[column : column + max(length, 1)])
    carets = "^" * max(1, display_width(span))
    return f"{visible(line)}\n{' ' * pad}{carets}"


@attrs.frozen
class Location:
    """Where something is: a file (or cell name), 1-based line and column, and a length.

    ``where`` is a place inside the file that is not a line: a JSON path, a sheet and cell, a CSV
    row and column. ``text`` is the source, kept to draw the caret line.
    """

    source: str | None = None
    line: int | None = None
    column: int | None = None
    length: int = 1
    text: str | None = attrs.field(default=None, repr=False)
    where: str | None = None

    def __str__(self) -> str:
        return self.shown()

    def shown(self, lang: str = "zh") -> str:
        """``source:line:col``, or ``source: where`` with a place jixiao wrote in *lang*
        (``第12行第7列`` / ``row 12, col 7``)."""
        parts = [self.source or "<text>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        elif self.where:
            where = place_text(self.where, lang)
            return f"{self.source}: {where}" if self.source else where
        return ":".join(parts)

    def render(self) -> str:
        """``source:line:col`` followed by the source line and a caret, when the text is known."""
        head = str(self)
        caret = self.caret()
        return f"{head}\n{caret}" if caret else head

    def caret(self) -> str | None:
        """The offending source line with a caret under it, when the text is known."""
        if self.text is None or self.line is None or self.column is None:
            return None
        lines = self.text.splitlines() or [""]
        if self.line == len(lines) + 1:
            lines.append("")  # the end of a file that ends with a newline
        if not 1 <= self.line <= len(lines):
            return None
        return caret_line(lines[self.line - 1], self.column - 1, self.length)


class JixiaoError(Exception):
    """Root of every error jixiao raises on purpose.

    Structured fields: ``message`` (Chinese) and ``message_en`` (English), ``location`` (a
    :class:`Location` or ``None``) and ``hint`` (what would be valid, or ``None``; ``hint_en`` in
    English). ``str(err)`` is :meth:`render` in Chinese.
    """

    message: str = ""
    message_en: str | None = None
    location: Location | None = None
    hint: str | None = None
    hint_en: str | None = None

    def __init__(
        self,
        message: str | Msg = "",
        *,
        en: str | None = None,
        location: Location | None = None,
        hint: str | Msg | None = None,
        hint_en: str | None = None,
    ) -> None:
        if isinstance(message, Msg):
            self.message, self.message_en = message.zh, en or message.en
        else:
            self.message, self.message_en = message, en
        if isinstance(hint, Msg):
            self.hint, self.hint_en = hint.zh, hint_en or hint.en
        else:
            self.hint, self.hint_en = hint, hint_en
        self.location = location
        super().__init__(self.render())

    def message_text(self, lang: str = "zh") -> str:
        """The message alone, in *lang* (the Chinese one when no English was given)."""
        if lang == "en" and self.message_en:
            return self.message_en
        return self.message

    def hint_text(self, lang: str = "zh") -> str | None:
        if lang == "en" and self.hint_en:
            return self.hint_en
        return self.hint

    def render(self, lang: str = "zh") -> str:
        """The one way an error is shown: ``where: message``, the caret line, then the hint."""
        loc = self.location
        message = self.message_text(lang)
        head = f"{loc.shown(lang)}: {message}" if loc is not None else message
        out = [head]
        caret = loc.caret() if loc is not None else None
        if caret:
            out.append(caret)
        hint = self.hint_text(lang)
        if hint:
            out.append(word("hint", lang) + hint)
        return "\n".join(out)

    def __str__(self) -> str:
        return self.render()


class TargetSyntaxError(JixiaoError, ValueError):
    """A 年度指标值 / 实际完成值 cell that cannot be read.

    Carries the cell text, the 0-based character offset, what would have been valid there, and
    an optional did-you-mean hint. ``str(err)`` renders the message with a caret line.
    """

    def __init__(
        self,
        message: str | Msg,
        text: str,
        offset: int,
        *,
        expected: tuple[str, ...] = (),
        hint: str | Msg | None = None,
        length: int = 1,
        cell: str | None = None,
        en: str | None = None,
        hint_en: str | None = None,
        expected_en: tuple[str, ...] = (),
    ) -> None:
        self.text = text
        self.offset = offset
        self.expected = expected
        self.expected_en = expected_en or expected
        self.length = length
        self.cell = cell
        location = Location(cell, self.line, self.column, length, text)
        super().__init__(message, en=en, location=location, hint=hint, hint_en=hint_en)

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.offset) + 1

    @property
    def column(self) -> int:
        """1-based column of the offending character on its line."""
        return self.offset - (self.text.rfind("\n", 0, self.offset) + 1) + 1

    def render(self, lang: str = "zh") -> str:
        """The message, the cell with a caret under the bad character, what was expected, a hint."""
        where = f"{self.cell}: " if self.cell else ""
        message = self.message_en if lang == "en" and self.message_en else self.message
        lines = self.text.splitlines() or [""]
        line_text = lines[min(self.line, len(lines)) - 1]
        out = [where + message + word("line_col", lang, line=self.line, column=self.column)]
        out.append(caret_line(line_text, self.column - 1, self.length))
        expected = self.expected_en if lang == "en" else self.expected
        if expected:
            out.append(word("expected", lang) + word("list_sep", lang).join(expected))
        hint = self.hint_text(lang)
        if hint:
            out.append(word("hint", lang) + hint)
        return "\n".join(out)

    def arguments(self, text: str | None = None) -> dict[str, Any]:
        """What makes this error again, field for field: ``TargetSyntaxError(**err.arguments())``
        is a fresh error (no traceback or context of this one's); with *text*, the same error
        placed in that text (a cell as written rather than as normalised)."""
        return {
            "message": self.message,
            "text": self.text if text is None else text,
            "offset": self.offset,
            "expected": self.expected,
            "expected_en": self.expected_en,
            "hint": self.hint,
            "length": self.length,
            "cell": self.cell,
            "en": self.message_en,
            "hint_en": self.hint_en,
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "message": self.message,
            "text": self.text,
            "offset": self.offset,
            "line": self.line,
            "column": self.column,
            "expected": list(self.expected),
            "hint": self.hint,
            "message_en": self.message_en,
            "expected_en": list(self.expected_en),
            "hint_en": self.hint_en,
        }


class UnitMismatchError(JixiaoError, ValueError):
    """Two quantities of different dimensions were compared (人 vs 人次, % vs 万元)."""

    def __init__(self, left: str, right: str, message: str | None = None) -> None:
        self.left = left
        self.right = right
        super().__init__(
            message or f"单位不一致：「{left}」与「{right}」无法比较",
            en=message or f"units {left!r} and {right!r} cannot be compared",
        )


@attrs.frozen
class PolicyProblem:
    """One problem found while loading a policy file."""

    message: str
    location: Location
    hint: str | None = None
    code: str = "policy"
    #: The message and hint in English (``None``: the Chinese text is shown in both languages).
    message_en: str | None = attrs.field(default=None, kw_only=True)
    hint_en: str | None = attrs.field(default=None, kw_only=True)

    @classmethod
    def of(
        cls,
        message: str | Msg,
        location: Location,
        hint: str | Msg | None = None,
        code: str = "policy",
    ) -> PolicyProblem:
        """A problem from a :class:`Msg` (both languages) or a plain string."""
        en = message.en if isinstance(message, Msg) else None
        zh = message.zh if isinstance(message, Msg) else message
        hint_en = hint.en if isinstance(hint, Msg) else None
        hint_zh = hint.zh if isinstance(hint, Msg) else hint
        return cls(zh, location, hint_zh, code, message_en=en, hint_en=hint_en)

    def message_text(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" and self.message_en else self.message

    def hint_text(self, lang: str = "zh") -> str | None:
        return self.hint_en if lang == "en" and self.hint_en else self.hint

    def render(self, lang: str = "zh") -> str:
        lines = [f"{self.location}: {self.message_text(lang)}"]
        caret = self.location.caret()
        if caret:
            lines.append(caret)
        hint = self.hint_text(lang)
        if hint:
            lines.append(word("hint", lang) + hint)
        return "\n".join(lines)


class PolicyError(JixiaoError, ValueError):
    """A policy file that cannot be loaded; lists every problem found, each with file:line:col.

    ``location`` and ``hint`` are those of the first problem.
    """

    def __init__(self, problems: list[PolicyProblem] | tuple[PolicyProblem, ...]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0] if self.problems else None
        count = len(self.problems)
        super().__init__(
            f"策略文件有 {count} 处错误",
            en=f"the policy has {count} problem{'s' if count != 1 else ''}",
            location=first.location if first else None,
            hint=first.hint if first else None,
            hint_en=first.hint_en if first else None,
        )

    def render(self, lang: str = "zh") -> str:
        return "\n".join(
            [self.message_text(lang), "\n\n".join(p.render(lang) for p in self.problems)]
        )


class EvaluationError(JixiaoError):
    """A policy could not be applied to an input (a bug in the policy, not in the form).

    Raised by a compiled rule (a division by zero, a value in no band); the evaluator turns it
    into a ``POLICY_ERROR`` finding on the row, so a form never fails because of it.
    """


class FormError(JixiaoError, ValueError):
    """A form file or dict that cannot be read: names the file, sheet/row/path, and what was expected."""

    def __init__(
        self,
        message: str | Msg,
        *,
        source: str | None = None,
        where: str | None = None,
        en: str | None = None,
        hint: str | Msg | None = None,
        hint_en: str | None = None,
    ) -> None:
        self.source = source
        self.where = where
        location = Location(source, where=where) if (source or where) else None
        super().__init__(message, en=en, location=location, hint=hint, hint_en=hint_en)


class ReportError(JixiaoError, ValueError):
    """A report cannot be written (for example, it would overwrite the input workbook)."""


class UsageError(JixiaoError, ValueError):
    """A function was called with an argument it cannot take (a missing column, an unknown option)."""


class ArgumentTypeError(JixiaoError, TypeError):
    """A function was given a value of the wrong type (a cell that is not text, a table that is not
    a DataFrame)."""


class NumeralError(JixiaoError, ValueError):
    """Text that is not a number (Arabic or Chinese numerals)."""


class UnknownNameError(JixiaoError, KeyError):
    """A name looked up that does not exist (a tier of a tier table)."""


class MissingExtraError(JixiaoError, ImportError):
    """A module needs an optional dependency (an extra) that is not installed."""


class InstallError(JixiaoError, FileNotFoundError):
    """jixiao is installed without the data files it ships (grammar/, rules/)."""
