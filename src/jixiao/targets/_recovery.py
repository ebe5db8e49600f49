"""Errors from Lark, made readable: a cell the grammar refuses is either prose that mentions a
number (kept whole as qualitative text) or a :class:`~jixiao.errors.TargetSyntaxError` that says
where, what was found and what could stand there (in Chinese and English)."""

from __future__ import annotations

import re
from typing import Any, NoReturn

from lark import Token
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedInput,
    UnexpectedToken,
)

from jixiao.errors import TargetSyntaxError
from jixiao.targets import lexicon as lx
from jixiao.targets._signals import (
    COMPARATOR_WORDS_EXPECTED,
    PROSE,
    Prose,
    bi_msg,
    expected_en,
    tok_start,
)

__all__ = ["DIGIT_RUN", "VALID_NUMBER", "recover"]


# ------------------------------------------------------------------------------ errors from Lark

_EXPECTED_WORDS: dict[str, str] = {
    "COMP_SYM": COMPARATOR_WORDS_EXPECTED,
    "COMP_WORD": COMPARATOR_WORDS_EXPECTED,
    "NUMBER": "数字",
    "CN_NUMBER": "数字",
    "PERCENT_CN": "数字",
    "UNIT": "单位",
    "SUFFIX": "以上/以下/以内",
    "RANGE_SEP": "范围符 -",
    "DATE": "日期",
    "DATE_DOT": "日期",
    "MD_DOT": "日期",
    "REL": "前/之前/内",
    "REL_PRE": "不晚于/早于",
    "APPROX_PRE": "约数（约/余/左右）",
    "APPROX_MID": "约数（约/余/左右）",
    "APPROX_POST": "约数（约/余/左右）",
    "TEXT": "文字",
    "$END": "结束",
}
_WORD_ORDER = {word: i for i, word in enumerate(dict.fromkeys(_EXPECTED_WORDS.values()))}


def _expected_words(names: set[str]) -> tuple[str, ...]:
    words = {_EXPECTED_WORDS[n] for n in names if n in _EXPECTED_WORDS}
    return tuple(sorted(words, key=_WORD_ORDER.__getitem__))


_HAS_DIGIT_OR_COMPARATOR = re.compile(f"[0-9０-９{re.escape(lx.COMPARATOR_CHARS)}]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_NUMERIC_TOKENS = frozenset({"NUMBER", "CN_NUMBER", "PERCENT_CN", "UNIT", "COMP_SYM", "COMP_WORD"})


def recover(text: str, exc: UnexpectedInput) -> Prose:
    """A cell the grammar does not accept: prose, or an error. See docs/targets.md (损坏的单元格)."""
    last: Any = None
    pos = len(text.rstrip())
    state: Any = getattr(exc, "state", None)
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        if exc.token_history:
            last = exc.token_history[-1]
    elif isinstance(exc, UnexpectedToken):
        if exc.token.type != "$END":
            pos = tok_start(exc.token)
        if exc.token_history:
            last = exc.token_history[-1]
        elif state is not None and state.value_stack:
            last = state.value_stack[-1]
    names: set[str]
    try:
        # every terminal the parser would take here ($END included), not only the lexer's
        names = set(state.parse_conf.parse_table.states[state.position])
    except AttributeError:
        names = set(getattr(exc, "allowed", None) or getattr(exc, "expected", None) or ())
    numeric_last = isinstance(last, Token) and last.type in _NUMERIC_TOKENS
    if not numeric_last and not _HAS_DIGIT_OR_COMPARATOR.search(text):
        return PROSE  # words only: 不低于去年水平, 效果明显/良好
    ch = text[pos] if pos < len(text) else ""
    if ch and lx.is_junk(ch):
        hint = lx.JUNK_HINTS.get(ch)
        raise TargetSyntaxError(
            bi_msg(f"无法识别的字符「{ch}」", f"unexpected character {ch!r}"),
            text,
            pos,
            expected=_expected_words(names),
            expected_en=expected_en(_expected_words(names)),
            hint=bi_msg(f"「{ch}」可能是「{hint}」的识别错误", f"did you mean {hint!r}?")
            if hint
            else None,
        )
    if isinstance(last, Token) and last.type == "TEXT" and _WORD.search(text, 0, pos):
        return PROSE  # a sentence that goes on after a number: 存在18岁以下、54周岁以上
    _check_garbled_number(text, pos)
    _syntax_error(text, pos, names, last)


DIGIT_RUN = re.compile(r"[0-9０-９][0-9０-９.．,，]*[0-9０-９]|[0-9０-９]")
VALID_NUMBER = re.compile(
    r"[0-9０-９]{1,3}(?:,[0-9０-９]{3})+(?:[.．][0-9０-９]+)?|[0-9０-９]+(?:[.．][0-9０-９]+)?"
)


def _check_garbled_number(text: str, pos: int) -> None:
    """A run of digits with separators where reading stopped that is no number (``7,00``,
    ``1,2,3``, ``7,00.0,77``): an error at the whole run. A thousands separator stands only
    between groups of three digits, so no reading of such a run is safe to guess."""
    for m in DIGIT_RUN.finditer(text):
        if m.start() > pos:
            break
        if m.end() < pos or ("," not in m.group() and "，" not in m.group()):
            continue
        if VALID_NUMBER.fullmatch(m.group()):
            continue
        raise TargetSyntaxError(
            bi_msg(f"数字「{m.group()}」无法识别", f"garbled number {m.group()!r}"),
            text,
            m.start(),
            expected=("数字",),
            expected_en=expected_en(("数字",)),
            hint=bi_msg(
                "千位分隔符「,」只能隔开三位一组的数字（如 7,000 或 1,234.5）",
                "a thousands separator stands only between groups of three digits",
            ),
            length=len(m.group()),
        )


_RUNS = (
    re.compile(r"[0-9０-９][0-9０-９.．,]*"),
    re.compile(f"[{re.escape(lx.COMPARATOR_CHARS)}]+"),
    re.compile(r"[^\W\d_]{1,4}"),
)


def _bad_run(text: str, pos: int) -> str:
    """The piece of text an error points at: a number, a comparator run, a word, or a char."""
    for run in _RUNS:
        m = run.match(text, pos)
        if m is not None:
            return m.group(0)
    return text[pos]


def _syntax_error(text: str, pos: int, names: set[str], last: Any) -> NoReturn:
    expected = _expected_words(names)
    hint = None
    if pos >= len(text.rstrip()):
        message = bi_msg("单元格不完整", "the cell ends too early")
        length = 1
    else:
        bad = _bad_run(text, pos)
        if bad[0] in lx.COMPARATOR_CHARS and isinstance(last, Token) and last.type == "NUMBER":
            rest = text[pos + len(bad) :].strip()
            guess = lx.comparator_hint(bad) or "≥"
            hint = bi_msg(
                f"比较符应写在数字之前（如「{guess}{rest}」）；「{last}{bad}」可能是比较符的识别错误",
                f"a comparator goes before its number; {str(last) + bad!r} may be a misread comparator",
            )
        message = bi_msg(f"此处不能是「{bad}」", f"unexpected {bad!r}")
        length = len(bad)
    raise TargetSyntaxError(
        message,
        text,
        pos,
        expected=expected,
        expected_en=expected_en(expected),
        hint=hint,
        length=length,
    )
