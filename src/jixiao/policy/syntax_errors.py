"""Syntax errors of policy files, in words: where, what was found, and what would be valid.

After an error the parser restarts at the next top-level item, so every broken item of a file is
reported in the same run (at most :data:`MAX_SYNTAX_PROBLEMS`).
"""

from __future__ import annotations

import lark

from jixiao.errors import Location, PolicyProblem
from jixiao.i18n import Msg
from jixiao.policy.names import did_you_mean, join_msgs

__all__ = [
    "MAX_SYNTAX_PROBLEMS",
    "TOP_LEVEL",
    "describe_expected",
    "syntax_problem",
    "syntax_problems",
]

#: Terminals of the grammar, in words.
WORDS: dict[str, tuple[str, str]] = {
    "STRING": ('带引号的文字（"…"）', 'a quoted text ("…")'),
    "NAME": ("名称", "a name"),
    "FUNC": ("函数名", "a function name"),
    "QUANTITY": ("数字", "a number"),
    "INT": ("整数", "a whole number"),
    "COMP_OP": ("比较符（>= <= == != > <）", "a comparison (>= <= == != > <)"),
    "ADD_OP": ("+ 或 -", "+ or -"),
    "MUL_OP": ("* 或 /", "* or /"),
    "$END": ("文件结束", "the end of the file"),
}


def describe_expected(parser: lark.Lark, names: set[str]) -> tuple[Msg, ...]:
    """What would have been valid, in words: one :class:`Msg` per kind of token."""
    out: dict[Msg, None] = {}
    for name in sorted(names):
        if name in WORDS:
            out[Msg(*WORDS[name])] = None
            continue
        try:
            term = parser.get_terminal(name)
        except KeyError:
            out[Msg(name, name)] = None
            continue
        if term.pattern.type == "str":
            out[Msg(f"「{term.pattern.value}」", repr(term.pattern.value))] = None
        else:
            out[Msg(name.lower(), name.lower())] = None
    return tuple(out)


def _expected_hint(expected: tuple[Msg, ...]) -> Msg | None:
    if not expected:
        return None
    shown = expected[:12]
    more = len(expected) > 12
    return Msg(
        "此处可以是："
        + "、".join(m.zh for m in shown)
        + (f" 等 {len(expected)} 项" if more else ""),
        "expected here: "
        + ", ".join(m.en for m in shown)
        + (f" ({len(expected)} in all)" if more else ""),
    )


TOP_LEVEL = (
    "policy", "extends", "title", "source", "years", "regions", "rounding", "tolerance", "let", "weights",
    "budget", "rule", "amend", "drop", "tiers", "grades", "placeholders", "reason_cues",
    "severity", "cap", "not_applicable", "example",
)  # fmt: skip
MAX_SYNTAX_PROBLEMS = 20


def syntax_problems(
    parser: lark.Lark, first: lark.exceptions.UnexpectedInput, text: str, path: str
) -> list[PolicyProblem]:
    """The first syntax error, and one for each later item that is broken on its own.

    After an error the parser starts again at the next line that opens a top-level item
    (``rule``, ``let``, ``tiers`` … at the start of a line), with the lines before it blanked so
    that positions stay those of the file: one mistake reports once, and every broken item is
    reported in the same run.
    """
    problems = [syntax_problem(parser, first, text, path)]
    lines = text.split("\n")
    err: lark.exceptions.UnexpectedInput | None = first
    while err is not None and len(problems) < MAX_SYNTAX_PROBLEMS:
        after = getattr(err, "line", None) or len(lines)
        restart = next(
            (
                i
                for i in range(after, len(lines))
                if lines[i][:1].isalpha() and lines[i].split(None, 1)[0] in TOP_LEVEL
            ),
            None,
        )
        if restart is None:
            break
        reparsed = "\n" * restart + "\n".join(lines[restart:])
        try:
            parser.parse(reparsed)
            err = None
        except lark.exceptions.UnexpectedInput as again:
            # positions of the re-parse are those of the file; characters are read from the
            # text that was parsed (offsets differ: the blanked lines are shorter)
            problems.append(syntax_problem(parser, again, text, path, parsed=reparsed))
            err = again
    return problems


def _keywords(parser: lark.Lark, names: set[str] | None = None) -> list[str]:
    """The grammar's keywords (``score``, ``rule`` …) among terminal *names* (all when None)."""
    out = []
    for term in parser.terminals:
        if names is not None and term.name not in names:
            continue
        value = term.pattern.value
        if term.pattern.type == "str" and value.isidentifier():
            out.append(value)
    return out


def _word_at(text: str, pos: int) -> str:
    end = pos
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[pos:end]


def syntax_problem(
    parser: lark.Lark,
    err: lark.exceptions.UnexpectedInput,
    text: str,
    path: str,
    *,
    parsed: str | None = None,
) -> PolicyProblem:
    """One syntax error. *parsed* is the text the parser read when it differs from *text*."""
    parsed = text if parsed is None else parsed
    suggestion: Msg | None = None
    line = getattr(err, "line", None) or 1
    column = getattr(err, "column", None) or 1
    if isinstance(err, lark.exceptions.UnexpectedToken):
        tok = err.token
        names = set(err.accepts or err.expected)
        expected = describe_expected(parser, names)
        if tok.type != "$END" and str(tok).isidentifier():
            suggestion = did_you_mean(str(tok), _keywords(parser, names)) or did_you_mean(
                str(tok), _keywords(parser)
            )
        if tok.type == "$END":
            line = text.count("\n") + 1
            column = len(text.rsplit("\n", 1)[-1]) + 1
            message = Msg("语法错误：文件意外结束", "syntax error: unexpected end of file")
            length = 1
        else:
            message = Msg(
                f"语法错误：此处不应出现「{tok}」", f"syntax error: unexpected {str(tok)!r}"
            )
            length = max(1, len(str(tok)))
    elif isinstance(err, lark.exceptions.UnexpectedCharacters):
        names = set(err.allowed or ())
        expected = describe_expected(parser, names)
        pos = err.pos_in_stream or 0
        ch = parsed[pos] if pos < len(parsed) else ""
        word = _word_at(parsed, pos)
        if word.isidentifier():
            suggestion = did_you_mean(word, _keywords(parser, names)) or did_you_mean(
                word, _keywords(parser)
            )
        message = Msg(
            f"语法错误：无法识别的字符「{ch}」", f"syntax error: unexpected character {ch!r}"
        )
        length = 1
    else:  # UnexpectedEOF
        expected = describe_expected(parser, set(getattr(err, "expected", ()) or ()))
        line = text.count("\n") + 1
        column = len(text.rsplit("\n", 1)[-1]) + 1
        message = Msg("语法错误：文件意外结束", "syntax error: unexpected end of file")
        length = 1
    hint = join_msgs(suggestion, _expected_hint(expected))
    location = Location(path, line, column, length, text)
    return PolicyProblem.of(message, location, hint, code="syntax")
