"""Syntax errors of policy files, in words: where, what was found, and what would be valid.

After an error the parser restarts at the next top-level item, so every broken item of a file is
reported in the same run (at most :data:`MAX_SYNTAX_PROBLEMS`).
"""

from __future__ import annotations

import lark

from jixiao.errors import Location, PolicyProblem
from jixiao.policy.names import did_you_mean

__all__ = [
    "MAX_SYNTAX_PROBLEMS",
    "TOP_LEVEL",
    "describe_expected",
    "syntax_problem",
    "syntax_problems",
]

WORDS = {
    "STRING": '带引号的文字（"…"）',
    "NAME": "名称",
    "QUANTITY": "数字",
    "INT": "整数",
    "COMP_OP": "比较符（>= <= == != > <）",
    "ADD_OP": "+ 或 -",
    "MUL_OP": "* 或 /",
    "$END": "文件结束",
}


def describe_expected(parser: lark.Lark, names: set[str]) -> tuple[str, ...]:
    out = []
    for name in sorted(names):
        if name in WORDS:
            out.append(WORDS[name])
            continue
        try:
            term = parser.get_terminal(name)
        except KeyError:
            out.append(name)
            continue
        if term.pattern.type == "str":
            out.append(f"「{term.pattern.value}」")
        else:
            out.append(name.lower())
    return tuple(dict.fromkeys(out))


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
    suggestion: str | None = None
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
            found = "文件结束 (end of file)"
            length = 1
        else:
            found = f"「{tok}」"
            length = max(1, len(str(tok)))
        found_en = "end of file" if tok.type == "$END" else repr(str(tok))
        message = f"语法错误：此处不应出现 {found} (syntax error: unexpected {found_en})"
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
        message = f"语法错误：无法识别的字符「{ch}」 (syntax error: unexpected character {ch!r})"
        length = 1
    else:  # UnexpectedEOF
        expected = describe_expected(parser, set(getattr(err, "expected", ()) or ()))
        line = text.count("\n") + 1
        column = len(text.rsplit("\n", 1)[-1]) + 1
        message = "语法错误：文件意外结束 (syntax error: unexpected end of file)"
        length = 1
    hint = None
    if expected:
        more = f" 等 {len(expected)} 项 ({len(expected)} in all)" if len(expected) > 12 else ""
        hint = "此处可以是 (expected)：" + "、".join(expected[:12]) + more
    if suggestion:
        hint = suggestion + ("；" + hint if hint else "")
    return PolicyProblem(message, Location(path, line, column, length, text), hint, code="syntax")
