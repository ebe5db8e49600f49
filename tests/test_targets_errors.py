"""Damaged cells: every one is a TargetSyntaxError (a ValueError) with the right offset, a caret
under the right character, what would be valid there in words, and a did-you-mean hint."""

from __future__ import annotations

import re

import pytest
from tests.hostile.build import HUGE_CELLS

from jixiao.errors import JixiaoError, TargetSyntaxError, display_width
from jixiao.targets import parse_actual, parse_target, parse_target_uncached
from jixiao.targets.ast import TARGET_KINDS

COMPARATOR = "比较符 ≥ ≤ > < ="


def error_of(text: str, *, actual: bool = False) -> TargetSyntaxError:
    with pytest.raises(TargetSyntaxError) as info:
        if actual:
            parse_actual(text)
        else:
            parse_target(text)
    return info.value


def caret_column(err: TargetSyntaxError) -> int:
    """The display column of the first caret in the rendered error."""
    lines = str(err).split("\n")
    caret = next(line for line in lines[2:] if line.strip().startswith("^"))
    return len(caret) - len(caret.lstrip(" "))


@pytest.mark.parametrize(
    ("text", "offset", "length", "expected", "hint"),
    [
        # a lone character glued to the number where a comparator belongs
        ("工5%", 0, 1, (COMPARATOR, "数字"), "「工」可能是比较符"),
        ("M.8万元", 0, 1, (COMPARATOR, "数字"), "「M」可能是比较符"),
        # junk symbols
        ("290$", 3, 1, ("单位", "结束"), "「$」可能是「%」"),
        ("采购的原原种合格率290$", 12, 1, ("单位", "结束"), "「$」可能是「%」"),
        ("^80%", 0, 1, (COMPARATOR, "数字"), "「^」可能是「≥」"),
        ("#90%", 0, 1, (COMPARATOR, "数字"), "「#」可能是「≥」"),
        ("≥90%★", 4, 1, ("结束",), None),
        # a comparator after the number
        ("5=50%", 1, 1, ("单位", "结束"), "比较符应写在数字之前"),
        ("45≥", 2, 1, ("单位", "结束"), "比较符应写在数字之前"),
        # comparator look-alikes that are not comparators
        (">>5%", 0, 2, (COMPARATOR,), "是否应为「>」"),
        ("≥=90%", 0, 2, (COMPARATOR,), "是否应为「≥」"),
        ("=<=5%", 0, 3, (COMPARATOR,), "是否应为「≤」"),
        ("<>5", 0, 2, (COMPARATOR,), "只能写一个比较符"),
        # near-miss units
        ("≥45万圆", 3, 2, ("单位",), "是否应为「万元」"),
        ("≥10万園", 3, 2, ("单位",), "是否应为「万元」"),
        ("5仟元", 1, 2, ("单位",), "是否应为「千元」"),
        ("≤3千圆", 2, 2, ("单位",), "是否应为「千元」"),
        # structure
        ("≥", 1, 1, ("数字",), None),
        ("≥%", 1, 1, ("数字",), None),
        ("90% 100%", 4, 3, ("结束",), None),
        ("≥45人 45人", 5, 2, ("结束",), None),
        ("12月32日", 3, 3, ("完成", "结束"), "11月底完成100%"),
        ("2月30日", 0, 5, ("日期",), None),
        ("≥3-5次", 0, 1, ("数字",), "90%-100%"),
        ("≤5%以上", 3, 2, ("结束",), "去掉「≤」或「以上」之一"),
        ("3%-5元", 4, 1, ("单位",), "两端都用「元」"),
        ("百分之九十%", 5, 1, ("结束",), None),
    ],
)
def test_damaged_cell(
    text: str, offset: int, length: int, expected: tuple[str, ...], hint: str | None
) -> None:
    err = error_of(text)
    assert isinstance(err, ValueError)
    assert isinstance(err, JixiaoError)
    assert err.text == text
    assert err.offset == offset
    assert err.length == length
    for word in expected:
        assert word in err.expected, (word, err.expected)
    if hint is None:
        assert err.hint is None
    else:
        assert err.hint is not None and hint in err.hint
    # the caret sits under the offending character, counting CJK as two columns
    assert caret_column(err) == display_width(text[:offset])
    assert str(err).startswith(err.message)
    assert err.to_dict()["offset"] == offset


def test_expected_is_in_words_not_token_names() -> None:
    for text in ("290$", "^80%", "5=50%", "≥", "≥45人≥", "90% 100%"):
        err = error_of(text)
        assert err.expected
        for word in err.expected:
            assert not word.isupper() and "_" not in word and "$" not in word, word


def test_message_in_chinese_and_in_english() -> None:
    err = error_of("290$")
    assert err.message == "无法识别的字符「$」"
    assert err.message_en == "unexpected character '$'"
    en = err.render("en")
    assert en.startswith("unexpected character '$' (line 1, column 4)")
    assert "expected here: a unit" in en and "hint: did you mean '%'?" in en
    assert not re.search(
        r"[\u4e00-\u9fff]", en.replace("以上/以下/以内", "").replace("约/余/左右", "")
    )


def test_caret_under_full_width_text() -> None:
    err = error_of("采购的原原种合格率２９０$")
    assert err.offset == 12
    assert caret_column(err) == 24


def test_errors_in_actual_cells() -> None:
    for text, offset in (("工5%", 0), ("^80%", 0), ("5=50%", 1), ("290$", 3)):
        assert error_of(text, actual=True).offset == offset


def test_multi_line_cell_reports_line_and_column() -> None:
    err = error_of("≥45\n人$")
    assert (err.line, err.column) == (2, 2)


def test_fresh_error_every_time() -> None:
    first = error_of("290$")
    first.offset = 99  # a caller may mutate what it caught
    second = error_of("290$")
    assert second is not first
    assert second.offset == 3


def fields(err: TargetSyntaxError) -> tuple[object, ...]:
    return (
        type(err), err.message, err.message_en, err.hint, err.hint_en, err.text, err.offset,
        err.length, err.expected, err.expected_en, err.cell, err.location, str(err),
        err.render("en"),
    )  # fmt: skip


def test_a_cell_the_grammar_cannot_read_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.targets import _builder, cache_clear, parser

    cells = ["工5%", "≥≥45人", "2023年6月31日前", "290$", "≥45\n人$", "^100"]
    cache_clear()
    first = {c: error_of(c) for c in cells}
    calls: list[str] = []
    real = _builder.parse_lark
    monkeypatch.setattr(parser, "parse_lark", lambda text: calls.append(text) or real(text))
    target = parse_target("≥45人")
    for c in cells:
        for again in (error_of(c), error_of(c, actual=True), error_of_under(c, target)):
            assert again is not first[c] and fields(again) == fields(first[c])
        with pytest.raises(TargetSyntaxError) as uncached:
            parse_target_uncached(c)
        assert fields(uncached.value) == fields(first[c])
    assert calls == []  # every error above came from the first reading
    kept = parser.cache_info()["unreadable"]
    assert kept.currsize == len(cells) and kept.hits >= 3 * len(cells) and kept.bytes > 0
    cache_clear()
    error_of(cells[0])
    assert calls == [cells[0]]


def test_a_kept_error_raised_again_leaves_no_garbage() -> None:
    # no cycle of the error, its traceback and the raising frame: with the collector paused (as
    # score_rows pauses it while it scores) nothing piles up however often the cell comes back
    import gc

    error_of("^100")  # read once: kept
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        for _ in range(300):
            with pytest.raises(TargetSyntaxError):
                parse_target("^100")
        grown = len(gc.get_objects()) - before
    finally:
        gc.enable()
    assert grown < 100, grown


def error_of_under(text: str, target: object) -> TargetSyntaxError:
    with pytest.raises(TargetSyntaxError) as info:
        parse_actual(text, target)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize(
    "text",
    [
        "\x00",
        "≥\x00",
        "5\ufeff%",
        "((((",
        "≥≥≥≥≥",
        "1.2.3",
        "１．２．３",
        "2023年13月",
        "2023.13.1",
        "1-2-3",
        "≥5-",
        "5--",
        "约",
        "约≥5",
        "百分之",
        "定性≥",
        "≥十百",
        "≥五四三二一零一二三四五六七八九十",
        "0.0.0.0",
        "\U0001f600≥5",
        "5\U0001f600",
        "∞",
        "≥5%%",
        "≥ 5 % %",
        "3万圆/人",
        "2021.1.1-",
        "2021.1.1-13.1",
        "12月31日前完成5",
    ],
)
def test_nothing_but_target_syntax_errors(text: str) -> None:
    for parse in (parse_target, parse_actual):
        try:
            parse(text)
        except TargetSyntaxError as err:
            assert 0 <= err.offset <= len(text)
            str(err)


@pytest.mark.parametrize("text", HUGE_CELLS, ids=lambda t: f"{t[:6]}…{len(t)}")
def test_a_huge_cell_is_answered(text: str) -> None:
    """A node, or a TargetSyntaxError that points inside the cell and renders (how fast is
    benchmarks/bench_hostile.py's business)."""
    try:
        node = parse_target_uncached(text)
    except TargetSyntaxError as err:
        assert 0 <= err.offset <= len(text)
        assert str(err)
    else:
        assert node.kind in TARGET_KINDS
        node.render()


def _cells() -> list[str]:
    """The cells of the golden files (in the repository) and of the shared corpus (when it is
    beside the checkout)."""
    from tests.targets_golden import GOLDENS, corpus_cells, read

    records = [r for path in GOLDENS for _n, _line, r in read(path) if r is not None]
    return sorted({r.cell for r in [*records, *corpus_cells()] if r.cell.strip()})


#: Characters put into cells to damage them: junk, and pieces the grammar reads elsewhere (a
#: comparator after a number, a unit before one …), which Lark's lexer reports as a token.
_INSERTED = ["^", "$", "≥", "<", "%", "年", "人", "-", "/", "约", "12", "。", "万元", "底前"]


def test_the_state_lexer_reads_every_cell_as_lark_s_own_lexer_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kept parser's lexer (``_builder._StateLexer``) skips Lark's second try at a character
    the parser state has no terminal for; cells, damaged or not, give the same node or the same
    error, field by field, as under Lark's own contextual lexer. Some of the damaged cells are
    ones where Lark's second try finds a token (so its error differs in kind)."""
    from jixiao.targets import _builder

    base = _cells()
    cells = list(base)
    for text in base[:: max(1, len(base) // 150)]:
        for piece in _INSERTED:
            for at in sorted({0, len(text) // 2, len(text)}):
                cells.append(text[:at] + piece + text[at:])

    def outcomes() -> list[object]:
        got: list[object] = []
        for text in cells:
            try:
                got.append(_builder.parse_lark(text))
            except TargetSyntaxError as err:
                got.append(fields(err))
        return got

    mine = outcomes()
    stock = _builder.build_parser(state_lexer=False)
    assert type(stock.parser.lexer) is not type(_builder.lark_parser().parser.lexer)
    retried: list[str] = []
    root = stock.parser.lexer.root_lexer
    first_try = root.next_token

    def second_try(lexer_state: object, parser_state: object = None) -> object:
        token = first_try(lexer_state, parser_state)  # raises when no terminal reads it either
        retried.append(token)
        return token

    monkeypatch.setattr(root, "next_token", second_try)
    monkeypatch.setattr(_builder, "_PARSER", stock)
    theirs = outcomes()
    assert len(retried) > 1000  # Lark's second try found a token: its error was UnexpectedToken
    errors = sum(1 for got in mine if isinstance(got, tuple))
    assert errors > 2000
    for text, a, b in zip(cells, mine, theirs, strict=True):
        assert a == b, text
