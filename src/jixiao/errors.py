"""The exception hierarchy and the caret rendering every error shares.

All errors derive from :class:`JixiaoError`. Errors about text a user wrote carry a
:class:`Location` and render the offending line with a caret under the bad character; the caret
lines up under CJK and full-width characters because each of those takes two terminal columns.
"""

from __future__ import annotations

import unicodedata

import attrs

from jixiao.escape import visible

__all__ = [
    "EvaluationError",
    "FormError",
    "JixiaoError",
    "Location",
    "PolicyError",
    "PolicyProblem",
    "TargetSyntaxError",
    "UnitMismatchError",
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

    >>> print(caret_line("≥45万圆", 4, 2))
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
    """Where something is: a file (or cell name), 1-based line and column, and a length."""

    source: str | None = None
    line: int | None = None
    column: int | None = None
    length: int = 1
    text: str | None = attrs.field(default=None, repr=False)

    def __str__(self) -> str:
        parts = [self.source or "<text>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def render(self) -> str:
        """``source:line:col`` followed by the source line and a caret, when the text is known."""
        head = str(self)
        if self.text is None or self.line is None or self.column is None:
            return head
        lines = self.text.splitlines() or [""]
        if self.line == len(lines) + 1:
            lines.append("")  # the end of a file that ends with a newline
        if not 1 <= self.line <= len(lines):
            return head
        return f"{head}\n{caret_line(lines[self.line - 1], self.column - 1, self.length)}"


class JixiaoError(Exception):
    """Root of every error jixiao raises on purpose."""


class TargetSyntaxError(JixiaoError, ValueError):
    """A 年度指标值 / 实际完成值 cell that cannot be read.

    Carries the cell text, the 0-based character offset, what would have been valid there, and
    an optional did-you-mean hint. ``str(err)`` renders the message with a caret line.
    """

    def __init__(
        self,
        message: str,
        text: str,
        offset: int,
        *,
        expected: tuple[str, ...] = (),
        hint: str | None = None,
        length: int = 1,
        cell: str | None = None,
    ) -> None:
        self.message = message
        self.text = text
        self.offset = offset
        self.expected = expected
        self.hint = hint
        self.length = length
        self.cell = cell
        super().__init__(self.render())

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.offset) + 1

    @property
    def column(self) -> int:
        """1-based column of the offending character on its line."""
        return self.offset - (self.text.rfind("\n", 0, self.offset) + 1) + 1

    def render(self) -> str:
        where = f"{self.cell}: " if self.cell else ""
        lines = self.text.splitlines() or [""]
        line_text = lines[min(self.line, len(lines)) - 1]
        out = [f"{where}{self.message}（第{self.line}行第{self.column}列）"]
        out.append(caret_line(line_text, self.column - 1, self.length))
        if self.expected:
            out.append("此处可以是：" + "、".join(self.expected))
        if self.hint:
            out.append(f"提示：{self.hint}")
        return "\n".join(out)

    def to_dict(self) -> dict[str, object]:
        return {
            "message": self.message,
            "text": self.text,
            "offset": self.offset,
            "line": self.line,
            "column": self.column,
            "expected": list(self.expected),
            "hint": self.hint,
        }


class UnitMismatchError(JixiaoError, ValueError):
    """Two quantities of different dimensions were compared (人 vs 人次, % vs 万元)."""

    def __init__(self, left: str, right: str, message: str | None = None) -> None:
        self.left = left
        self.right = right
        super().__init__(
            message
            or f"单位不一致：「{left}」与「{right}」无法比较 (units {left!r} and {right!r} cannot be compared)"
        )


@attrs.frozen
class PolicyProblem:
    """One problem found while loading a policy file."""

    message: str
    location: Location
    hint: str | None = None
    code: str = "policy"

    def render(self) -> str:
        lines = [f"{self.location}: {self.message}"]
        rendered = self.location.render()
        if "\n" in rendered:
            lines.append(rendered.split("\n", 1)[1])
        if self.hint:
            lines.append(f"提示：{self.hint}")
        return "\n".join(lines)


class PolicyError(JixiaoError, ValueError):
    """A policy file that cannot be loaded; lists every problem found, each with file:line:col."""

    def __init__(self, problems: list[PolicyProblem] | tuple[PolicyProblem, ...]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"策略文件有 {count} 处错误 (policy has {count} problem{'s' if count != 1 else ''})"
        super().__init__(head + "\n" + "\n\n".join(p.render() for p in self.problems))


class EvaluationError(JixiaoError):
    """A policy could not be applied to an input (a bug in the policy, not in the form)."""


class FormError(JixiaoError, ValueError):
    """A form file or dict that cannot be read: names the file, sheet/row/path, and what was expected."""

    def __init__(
        self, message: str, *, source: str | None = None, where: str | None = None
    ) -> None:
        self.message = message
        self.source = source
        self.where = where
        prefix = ": ".join(p for p in (source, where) if p)
        super().__init__(f"{prefix}: {message}" if prefix else message)
